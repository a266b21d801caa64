# shellcheck shell=bash
# The compatibility check (tests/compat.bats): one program of an object attached by
# iproute2 alone, then by xdpload alone and in the chain count -> X -> pass, in one
# mode, compared by verdicts (BPF_PROG_TEST_RUN on the program on the interface),
# by traffic (pings from A) and by the maps the program uses.
#
#   compat_packets                  writes the test packets to $COMPAT_PKTS/*.bin
#   compat_check OBJ -s SECTION|-n PROG MODE
#                                   0 when xdpload matches iproute2; 3 when iproute2
#                                   itself refuses it; else 1, saying what differed
#
# MODE is skb or native. On success COMPAT_WHAT says what the program did.

COMPAT_PKTS=${COMPAT_PKTS:-${BATS_TEST_TMPDIR:-/tmp}/compat-pkts}

_hex() { printf '%b' "$(sed 's/\([0-9a-f][0-9a-f]\)/\\x\1/g' <<<"$1")"; }

# Ethernet from A to B, then IPv4 A -> B with the given protocol and L4 bytes.
_ipv4_pkt()
{
	local proto=$1 l4=$2 len
	len=$(printf '%04x' $((20 + ${#l4} / 2)))
	_hex "020000000002020000000001""0800""4500${len}00010000""40${proto}0000""c0000201c0000202${l4}"
}

compat_packets()
{
	mkdir -p "$COMPAT_PKTS"
	_ipv4_pkt 01 "0800f7ff00010001" >"$COMPAT_PKTS/icmp.bin"
	_ipv4_pkt 11 "d43100350008""0000" >"$COMPAT_PKTS/udp53.bin"
	_ipv4_pkt 06 "d4310050000000010000000050022000""00000000" >"$COMPAT_PKTS/tcp80.bin"
	# IPv6 UDP to port 53 (next header 17), A -> B
	_hex "020000000002020000000001""86dd""6000000000081140""20010db8000000000000000000000001""20010db8000000000000000000000002""d431003500080000" >"$COMPAT_PKTS/udp6.bin"
}

# The verdicts of program ID on every test packet: "2 2 1 2".
_verdicts()
{
	local f out v=""
	for f in "$COMPAT_PKTS"/*.bin; do
		out=$(bpftool prog run id "$1" data_in "$f" repeat 1 2>&1) || { echo "run-failed"; return; }
		v+="$(sed -n 's/^Return value: \([0-9]*\).*/\1/p' <<<"$out") "
	done
	echo "${v% }"
}

# The names of the maps program ID uses, sorted (internal maps by their suffix).
# Not .rodata: libbpf binds an object's .rodata to each of its programs
# (BPF_PROG_BIND_MAP), used or not; xdpload's copies hold the maps they use.
_map_names()
{
	bpftool -j prog show id "$1" | jq -r '.map_ids[]?' | while read -r m; do
		bpftool -j map show id "$m" | jq -r '.name'
	done | sed 's/^.*\.\(data\|bss\|rodata\)/.\1/' | grep -v '^\.rodata' | sort | tr '\n' ' '
}

# Do pings from A reach B? "pass" or "lost".
_traffic() { if ping_ok 2; then echo pass; else echo lost; fi; }

# The kernel ID of the program under test in xdpload's chain (not a bundled one):
# a linked chain's dispatcher carries maps of its own, the component is compared.
_comp_id()
{
	xdpl_b status veth0 --json |
		jq -r '[.[0].programs[] | select(.name != "count" and .name != "pass")][0].id // 0'
}

_ip_mode() { [ "$1" = native ] && echo xdpdrv || echo xdpgeneric; }

# _compat_against_ref HOW PROG... : load PROG... with xdpload (mode, option and
# selector of the caller) and compare verdicts, traffic and maps with iproute2's
_compat_against_ref()
{
	local how=$1 out v t m
	shift
	if ! out=$(xdpl_b load -m "$mode" "$opt" "$sel" veth0 "$@" 2>&1); then
		echo "$obj [$sel] $mode: xdpload refused it $how ($*): $out"
		return 1
	fi
	v=$(_verdicts "$(xdp_id_b)")
	t=$(_traffic)
	m=$(_map_names "$(_comp_id)")
	xdpl_b unload veth0 --all >/dev/null
	if [ "$v/$t/$m" != "$ref_v/$ref_t/$ref_m" ]; then
		echo "$obj [$sel] $mode $how: iproute2 '$ref_v/$ref_t/$ref_m', xdpload '$v/$t/$m'"
		return 1
	fi
}

compat_check()
{
	local obj=$1 opt=$2 sel=$3 mode=$4 ipm ipsel ref_v ref_t ref_m id
	ipm=$(_ip_mode "$mode")
	ipsel=$([ "$opt" = -s ] && echo section || echo program)
	ip -n "$LAB_B" link set dev veth0 "$ipm" obj "$obj" "$ipsel" "$sel" >/dev/null 2>&1 || return 3
	id=$(xdp_id_b)
	ref_v=$(_verdicts "$id")
	ref_t=$(_traffic)
	ref_m=$(_map_names "$id")
	ip -n "$LAB_B" link set dev veth0 "$ipm" off

	_compat_against_ref alone "$obj" || return 1
	_compat_against_ref chained count "$obj" pass || return 1
	COMPAT_WHAT="$ref_v/$ref_t"
	return 0
}
