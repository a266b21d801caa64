# shellcheck shell=bash
# The test lab: private network namespaces joined by veth pairs, with addresses.
#
#   lab_up            two hosts, A and B, joined by one veth pair:
#                       $LAB_A (netns) veth0 192.0.2.1/24 2001:db8::1/64  mac 02:00:00:00:00:01
#                       $LAB_B (netns) veth0 192.0.2.2/24 2001:db8::2/64  mac 02:00:00:00:00:02
#                     B's veth0 is where tests attach programs; A sends.
#   lab_add_addr_a ADDR4  one more IPv4 address on A (to send from another network)
#   lab_down          removes every namespace this lab created (idempotent)
#   on_a CMD... / on_b CMD...       run CMD inside A / B
#   xdpl_b ARGS...    run xdpload inside B
#   state_key_b       the state directory name of the linked chain on B (under <bpffs>/xdpload)
#
# Every name carries a per-lab suffix, so labs run concurrently. Call lab_down from
# a trap or a bats teardown: it is safe to call twice or after a failed lab_up.

LAB_ROOT=${LAB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
XDPLOAD=${XDPLOAD:-$LAB_ROOT/build/xdpload}
# LAB_PREFIX, LAB_IP_A and LAB_IP_B may come from the environment (labs that
# share a machine with others keep to their own names and addresses).
LAB_PREFIX=${LAB_PREFIX:-xdpl}
LAB_IP_A=${LAB_IP_A:-192.0.2.1}
LAB_IP_B=${LAB_IP_B:-192.0.2.2}
LAB_IP6_A=2001:db8::1
LAB_IP6_B=2001:db8::2
LAB_MAC_A=02:00:00:00:00:01
LAB_MAC_B=02:00:00:00:00:02

lab_up()
{
	LAB_ID="$LAB_PREFIX-$$-${RANDOM}"
	LAB_A="$LAB_ID-a"
	LAB_B="$LAB_ID-b"
	LAB_NAMESPACES="$LAB_A $LAB_B"
	export LAB_ID LAB_A LAB_B LAB_NAMESPACES
	# Like any systemd host: a bpffs on /sys/fs/bpf, so pins outlive each command.
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || return 1
	ip netns add "$LAB_A" && ip netns add "$LAB_B" || { lab_down; return 1; }
	ip -n "$LAB_A" link add veth0 address "$LAB_MAC_A" type veth \
		peer name veth0 address "$LAB_MAC_B" netns "$LAB_B" || { lab_down; return 1; }
	_lab_host_addr "$LAB_A" "$LAB_IP_A" "$LAB_IP6_A" && _lab_host_addr "$LAB_B" "$LAB_IP_B" "$LAB_IP6_B" ||
		{ lab_down; return 1; }
	# The peers' neighbour entries are static so IPv6 needs no DAD/ND wait and a
	# filter on B cannot break address resolution by accident.
	ip -n "$LAB_A" neigh replace "$LAB_IP_B" lladdr "$LAB_MAC_B" dev veth0 nud permanent
	ip -n "$LAB_A" neigh replace "$LAB_IP6_B" lladdr "$LAB_MAC_B" dev veth0 nud permanent
	ip -n "$LAB_B" neigh replace "$LAB_IP_A" lladdr "$LAB_MAC_A" dev veth0 nud permanent
	ip -n "$LAB_B" neigh replace "$LAB_IP6_A" lladdr "$LAB_MAC_A" dev veth0 nud permanent
}

_lab_host_addr()
{
	local ns=$1 ip4=$2 ip6=$3

	ip -n "$ns" link set lo up &&
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.veth0.accept_dad=0 &&
		ip -n "$ns" addr add "$ip4/24" dev veth0 &&
		ip -n "$ns" addr add "$ip6/64" dev veth0 nodad &&
		ip -n "$ns" link set veth0 up
}

# An extra address on A, in another network, to send from (tests of prefix rules).
lab_add_addr_a()
{
	local ip4=$1

	ip -n "$LAB_A" addr add "$ip4/32" dev veth0 &&
		ip -n "$LAB_B" route add "$ip4/32" dev veth0 &&
		ip -n "$LAB_B" neigh replace "$ip4" lladdr "$LAB_MAC_A" dev veth0 nud permanent
}

lab_down()
{
	local ns

	for ns in ${LAB_NAMESPACES:-}; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	LAB_NAMESPACES=""
	# Chains that went with the namespaces leave state; clean drops it.
	"$XDPLOAD" clean >/dev/null 2>&1
	return 0
}

on_a() { ip netns exec "$LAB_A" "$@"; }
on_b() { ip netns exec "$LAB_B" "$@"; }
xdpl_b() { ip netns exec "$LAB_B" "$XDPLOAD" "$@"; }

# ping_ok COUNT [ARGS]: COUNT pings from A to B; succeeds when all are answered.
ping_ok()
{
	local count=${1:-3}

	shift
	on_a ping -q -c "$count" -i 0.01 -W 1 "$@" "$LAB_IP_B" >/dev/null 2>&1
}

# ping_none COUNT: succeeds when none of COUNT pings from A to B is answered.
ping_none()
{
	local count=${1:-3} out

	out=$(on_a ping -q -c "$count" -i 0.01 -W 1 "$LAB_IP_B" 2>&1) || true
	echo "$out" | grep -q " 0 received"
}

# The kernel's view: the ID of the XDP program attached to B's veth0 (0 for none).
xdp_id_b()
{
	ip -n "$LAB_B" -j link show dev veth0 | jq -r '.[0].xdp.prog.id // 0'
}

# Sum of a per-CPU map's field over CPUs, from bpftool: map_sum MAP_ID FIELD
map_sum()
{
	bpftool -j map dump id "$1" | jq "[.[0].formatted.values[].value.$2] | add"
}

# The state key (directory name) of B's chain: the linked dispatcher pinned for the attached ID.
state_key_b()
{
	local id d p

	id=$(xdp_id_b)
	for d in /sys/fs/bpf/xdpload/*/; do
		for p in "$d"dispatcher_*; do
			[ "$(bpftool -j prog show pinned "$p" 2>/dev/null | jq -r .id)" = "$id" ] &&
				basename "$d"
		done
	done
	return 0
}
