#!/usr/bin/env bats
# The VM lab's guest suite: what needs a kernel that runs freplace (libxdp's
# dispatcher, interop with xdp-loader and xdp-filter) plus the linked backend on
# the same stock kernel. Runs only inside tests/vm/run-in-vm (VM_GUEST=1); start
# it with tests/vm/check-vm. Every exec costs ~40 ms under emulation: keep it small.
#
# Lab: veth xv0 (root namespace, where the chains go, so libxdp's pins in the
# guest's bpffs persist) <-> xv1 in namespace xdpl-vm, which sends the traffic;
# veth xv2/xv3 carry a second chain for the data-path comparison. The guest is
# private to one run, so the names need no suffix. Addresses are TEST-NET-1.

IF=xv0
PEER=xv1
IF2=xv2
NS=xdpl-vm
ADDR=192.0.2.1
PEER_ADDR=192.0.2.2
XDPLOAD=${XDPLOAD:-$BATS_TEST_DIRNAME/../../build/xdpload}
PROGS=${PROGS:-$BATS_TEST_DIRNAME/../../build/progs}

setup_file() {
	[ -n "${VM_GUEST:-}" ] || return 0
	local mac peer_mac
	# No IPv6 autoconfiguration chatter: only the pings cross xv0, counts are exact.
	echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
	ip link add "$IF" type veth peer name "$PEER"
	ip link add "$IF2" type veth peer name xv3
	ip netns add "$NS"
	ip netns exec "$NS" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6'
	read -r mac <"/sys/class/net/$IF/address"
	read -r peer_mac <"/sys/class/net/$PEER/address"
	ip link set "$PEER" netns "$NS"
	# Static neighbours: no ARP either.
	ip -b - <<-EOF
		addr add $ADDR/24 dev $IF
		link set $IF up
		link set $IF2 up
		link set xv3 up
		neigh add $PEER_ADDR lladdr $peer_mac dev $IF nud permanent
	EOF
	ip -n "$NS" -b - <<-EOF
		addr add $PEER_ADDR/24 dev $PEER
		link set $PEER up
		neigh add $ADDR lladdr $mac dev $PEER nud permanent
	EOF
}

teardown_file() {
	[ -n "${VM_GUEST:-}" ] || return 0
	ip netns del "$NS" 2>/dev/null || true
	ip link del "$IF" 2>/dev/null || true
	ip link del "$IF2" 2>/dev/null || true
}

setup() {
	[ -n "${VM_GUEST:-}" ] || skip "runs only in the VM lab (tests/vm/check-vm)"
}

# Leave the interfaces bare for the next test, whoever attached what.
teardown() {
	local i
	for i in "$IF" "$IF2"; do
		"$XDPLOAD" unload "$i" --all --force >/dev/null 2>&1 ||
			xdp-loader unload "$i" --all >/dev/null 2>&1 || true
	done
	xdp-filter unload "$IF" >/dev/null 2>&1 || true
}

# xdpload's status of one interface as one JSON object.
status_json() {
	"$XDPLOAD" status "${1:-$IF}" --json |
		jq -ce --arg i "${1:-$IF}" 'if type == "array" then .[] else . end | select(.name == $i)'
}

# The ID of the program the kernel runs on an interface (0 for none).
attached_id() {
	ip -j link show dev "${1:-$IF}" | jq '.[0].xdp.prog.id // 0'
}

# Packets the bundled count program saw: sum over CPUs of its map's packets.
count_packets() {
	local map
	map=$(bpftool prog show id "$1" -j | jq '.map_ids[]' |
		while read -r m; do
			bpftool map show id "$m" -j | jq -r 'select(.name == "xdpl_count_map") | .id'
		done)
	[ -n "$map" ] || { echo "program $1 has no xdpl_count_map" >&2; return 1; }
	bpftool map dump id "$map" -j | jq '[.. | .packets? // empty] | add // 0'
}

# Three pings from the namespace; true when they all come back.
pings_pass() {
	ip netns exec "$NS" ping -q -c 3 -i 0.2 -w 3 "$ADDR" >/dev/null
}

# Three pings that must all be lost (exactly three sent, -W bounds the wait).
pings_lost() {
	! ip netns exec "$NS" ping -q -c 3 -i 0.2 -W 1 "$ADDR" >/dev/null
}

# Assert what the count program with this ID saw.
expect_count() {
	local got
	got=$(count_packets "$1")
	echo "count (id $1) saw $got packets, expected $2"
	[ "$got" -eq "$2" ]
}

# Load with the linked backend; skip while this build has none.
load_linked() {
	run "$XDPLOAD" load --dispatcher linked "$@"
	echo "$output"
	if [ "$status" -eq 8 ] && [[ $output == *"not in this build"* ]]; then
		skip "the linked backend is not in this build yet"
	fi
	[ "$status" -eq 0 ]
}

# The ID xdp-loader status prints for a program in the dispatcher on $IF.
xdp_loader_id() {
	xdp-loader status "$IF" | awk -v n="$1" '$1 == "=>" && $3 == n { print $4 }'
}

@test "--dispatcher auto picks libxdp on a kernel that runs freplace" {
	run "$XDPLOAD" load "$IF" count pass
	echo "$output"
	[ "$status" -eq 0 ]
	st=$(status_json)
	echo "$st"
	[ "$(jq -r .backend <<<"$st")" = libxdp ]
	disp=$(jq .dispatcher_id <<<"$st")
	[ "$disp" -gt 0 ]
	[ "$(attached_id)" = "$disp" ]
	[ "$(bpftool prog show id "$disp" -j | jq -r .name)" = xdp_dispatcher ]
	[ "$(jq -c '[.programs[].name]' <<<"$st")" = '["count","pass"]' ]
}

@test "libxdp: three programs run in priority order with their chain actions" {
	# Loaded out of order, one command each; drop chains on XDP_DROP too.
	"$XDPLOAD" load --dispatcher libxdp -P 30 "$IF" count
	"$XDPLOAD" load --dispatcher libxdp -P 20 -A XDP_PASS,XDP_DROP "$IF" drop
	"$XDPLOAD" load --dispatcher libxdp -P 10 "$IF" pass
	st=$(status_json)
	echo "$st"
	[ "$(jq -r .backend <<<"$st")" = libxdp ]
	[ "$(jq .dispatcher_id <<<"$st")" = "$(attached_id)" ]
	[ "$(jq -c '[.programs[].name]' <<<"$st")" = '["pass","drop","count"]' ]
	[ "$(jq -c '[.programs[].priority]' <<<"$st")" = '[10,20,30]' ]
	jq -e '.programs[1] | (.chain_actions // .actions) | index("XDP_DROP")' <<<"$st"
	jq -e '[.programs[].id | select(. > 0)] | unique | length == 3' <<<"$st"
	# drop's XDP_DROP chains on to count, whose XDP_PASS ends the chain.
	pings_pass
	expect_count "$(jq '.programs[2].id' <<<"$st")" 3
}

@test "libxdp: the first action not chained is the verdict, lower priority first" {
	"$XDPLOAD" load --dispatcher libxdp -P 10 "$IF" count
	"$XDPLOAD" load --dispatcher libxdp -P 20 "$IF" drop
	pings_lost
	id=$(status_json | jq '.programs[] | select(.name == "count") | .id')
	expect_count "$id" 3

	# Behind drop, count no longer sees the packets.
	"$XDPLOAD" unload "$IF" -n count
	"$XDPLOAD" load --dispatcher libxdp -P 30 "$IF" count
	st=$(status_json)
	echo "$st"
	[ "$(jq -c '[.programs[].name]' <<<"$st")" = '["drop","count"]' ]
	pings_lost
	expect_count "$(jq '.programs[1].id' <<<"$st")" 0
}

@test "interop: xdp-loader and xdpload see and unload each other's programs" {
	xdp-loader load "$IF" "$PROGS/pass.o"
	"$XDPLOAD" load "$IF" count
	st=$(status_json)
	echo "$st"
	[ "$(jq -r .backend <<<"$st")" = libxdp ]
	[ "$(jq -c '[.programs[].name]' <<<"$st")" = '["count","pass"]' ]
	pass_id=$(jq '.programs[1].id' <<<"$st")
	count_id=$(jq '.programs[0].id' <<<"$st")
	xdp-loader status "$IF"
	[ "$(xdp_loader_id pass)" = "$pass_id" ]
	[ "$(xdp_loader_id count)" = "$count_id" ]
	pings_pass
	expect_count "$count_id" 3

	# Each tool removes the other's program by ID.
	xdp-loader unload "$IF" -i "$count_id"
	[ "$(status_json | jq -c '[.programs[].id]')" = "[$pass_id]" ]
	"$XDPLOAD" unload "$IF" -i "$pass_id"
	[ "$(status_json | jq '.programs | length')" = 0 ]
	[ "$(attached_id)" = 0 ]
}

@test "interop: xdp-filter and xdpload share an interface" {
	xdp-filter load "$IF"
	"$XDPLOAD" load "$IF" count
	st=$(status_json)
	echo "$st"
	[ "$(jq -r .backend <<<"$st")" = libxdp ]
	jq -e '[.programs[].name] | (index("count") != null) and (map(startswith("xdpfilt")) | any)' <<<"$st"
	count_id=$(jq '.programs[] | select(.name == "count") | .id' <<<"$st")
	pings_pass

	xdp-filter ip "$PEER_ADDR" -m src
	pings_lost
	# count runs first (priority 10): it saw both rounds.
	expect_count "$count_id" 6

	xdp-filter unload "$IF"
	[ "$(status_json | jq -c '[.programs[].name]')" = '["count"]' ]
	pings_pass
}

@test "linked backend on the stock kernel: count and drop, status, unload" {
	load_linked "$IF" count drop
	st=$(status_json)
	echo "$st"
	[ "$(jq -r .backend <<<"$st")" = linked ]
	[ "$(jq -c '[.programs[].name]' <<<"$st")" = '["count","drop"]' ]
	[ "$(jq .dispatcher_id <<<"$st")" = "$(attached_id)" ]
	pings_lost
	expect_count "$(jq '.programs[0].id' <<<"$st")" 3

	"$XDPLOAD" unload "$IF" -n drop
	[ "$(status_json | jq -c '[.programs[].name]')" = '["count"]' ]
	pings_pass
	"$XDPLOAD" unload "$IF" --all
	[ "$(attached_id)" = 0 ]
}

# ns per packet through BPF_PROG_TEST_RUN; prints "RETVAL NS".
test_run() {
	bpftool prog run id "$1" data_in "$PKT" repeat "${REPEAT:-500000}" |
		sed -n 's/^Return value: \([0-9]*\), duration (average): \([0-9]*\)ns$/\1 \2/p'
}

@test "data path: libxdp dispatcher vs linked chain of the same programs" {
	load_linked "$IF2" count pass drop
	"$XDPLOAD" load --dispatcher libxdp "$IF" count pass drop
	[ "$(status_json "$IF2" | jq -r .backend)" = linked ]
	PKT=$(mktemp)
	head -c 64 /dev/zero >"$PKT"
	lx=999999999 ln=999999999
	for _ in 1 2 3; do
		read -r rc ns < <(test_run "$(attached_id "$IF")")
		[ "$rc" = 1 ] # XDP_DROP: all three ran
		if [ "$ns" -lt "$lx" ]; then lx=$ns; fi
		read -r rc ns < <(test_run "$(attached_id "$IF2")")
		[ "$rc" = 1 ]
		if [ "$ns" -lt "$ln" ]; then ln=$ns; fi
	done
	rm -f "$PKT"
	line=$(awk -v a="$lx" -v b="$ln" 'BEGIN {
		printf "check-vm: data path (count,pass,drop; best of 3, under emulation): " \
		       "libxdp %d ns, linked %d ns per packet; linked/libxdp = %.2f", a, b, b / a }')
	echo "# $line" >&3
	if [ -n "${VM_RESULTS:-}" ]; then echo "$line" >"$VM_RESULTS/datapath.txt"; fi
}
