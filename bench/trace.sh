#!/bin/bash
# The cost of xdpload trace on the data path, side by side in one run (as root):
#   untraced   the chain's dispatcher as loaded, nobody tracing ("today")
#   traced     the traced variant while a reader runs whose filter matches nothing
#              (--proto sctp): the recording, the tracer's checks, no event
#   reporting  the traced variant while a reader takes every packet at --rate 1
#              (what it costs while it reports: the events over the rate are refused)
#   after      the untraced dispatcher back once the last reader stopped
#   base       with BASE=/path/to/xdpload (an older build, e.g. main's): the same
#              chain loaded by it, measured in the same rounds ("today")
# ns per packet through BPF_PROG_TEST_RUN (bpftool prog run, REPEAT runs of one
# 64-byte UDP frame) of the program attached to a lab veth, ROUNDS rounds, the
# variants interleaved; prints the medians and the ratios to untraced.
#
#   bench/trace.sh [ROUNDS [REPEAT]] [-- CHAIN...]    default: 5 2000000 -- count filter drop
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-5}
REPEAT=${2:-2000000}
shift $(($# > 2 ? 2 : $#)) || true
[ "${1:-}" = -- ] && shift
CHAIN=("$@")
[ ${#CHAIN[@]} -gt 0 ] || CHAIN=(count filter drop)
# shellcheck source=../tests/lib/lab.bash
source "$ROOT/tests/lib/lab.bash"
lab_up
TMP=$(mktemp -d)
READER=
cleanup()
{
	[ -z "$READER" ] || kill -INT "$READER" 2>/dev/null || true
	wait 2>/dev/null || true
	lab_down
	rm -rf "$TMP"
}
trap cleanup EXIT

python3 - "$TMP/pkt" <<'PY'
import struct, sys
eth = bytes.fromhex("020000000002" "020000000001") + struct.pack("!H", 0x0800)
payload = b"x" * 18
udp = struct.pack("!HHHH", 4000, 9, 8 + len(payload), 0) + payload
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]))
open(sys.argv[1], "wb").write(eth + ip + udp)
PY

BASE=${BASE:-}
load_ours() { xdpl_b load -m skb veth0 "${CHAIN[@]}" >/dev/null; }
load_ours
traced() { [ "$(xdpl_b status veth0 --json | jq -r '.[0].traced')" = true ]; }
info() { xdpl_b status veth0 --json | jq -r '.[0] | "\(.dispatcher_id) \(.dispatcher_insns) \(.dispatcher_tag)"'; }
ns()
{
	local id
	id=$(xdpl_b status veth0 --json | jq -r '.[0].dispatcher_id')
	ip netns exec "$LAB_B" bpftool prog run id "$id" data_in "$TMP/pkt" repeat "$REPEAT" 2>&1 |
		sed -n 's/.*duration (average): \([0-9]*\)ns.*/\1/p'
}
reader()
{
	ip netns exec "$LAB_B" "$XDPLOAD" trace veth0 "$@" >/dev/null 2>&1 &
	READER=$!
	for _ in $(seq 100); do traced && return 0; sleep 0.05; done
	echo "the reader did not start" >&2
	return 1
}
stop_reader()
{
	kill -INT "$READER"
	wait "$READER" || true
	READER=
	! traced
}

declare -A samples
read -r _ base_insns base_tag <<<"$(info)"
for r in $(seq "$ROUNDS"); do
	samples[untraced]+=" $(ns)"
	reader --proto sctp
	[ "$r" = 1 ] && read -r _ traced_insns _ <<<"$(info)"
	samples[traced]+=" $(ns)"
	stop_reader
	reader --rate 1
	samples[reporting]+=" $(ns)"
	stop_reader
	samples[after]+=" $(ns)"
	read -r _ after_insns after_tag <<<"$(info)"
	[ "$after_insns" = "$base_insns" ] && [ "$after_tag" = "$base_tag" ] || {
		echo "round $r: the untraced dispatcher did not come back ($after_insns $after_tag)" >&2
		exit 1
	}
	if [ -n "$BASE" ]; then
		xdpl_b unload veth0 --all >/dev/null
		ip netns exec "$LAB_B" "$BASE" load -m skb veth0 "${CHAIN[@]}" >/dev/null
		samples[base]+=" $(ns)"
		[ "$r" = 1 ] && read -r _ old_insns _ <<<"$(info)"
		ip netns exec "$LAB_B" "$BASE" unload veth0 --all >/dev/null
		load_ours
	fi
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
u=$(median <<<"${samples[untraced]}")
echo "chain: ${CHAIN[*]} (skb lab veth; $(nproc) CPUs; $ROUNDS rounds x $REPEAT runs; $(uname -r))"
echo "dispatcher: untraced $base_insns insns (tag $base_tag), traced $traced_insns insns${BASE:+, base ${old_insns:-?} insns}"
for v in untraced traced reporting after ${BASE:+base}; do
	m=$(median <<<"${samples[$v]}")
	printf '%-10s median %4s ns/pkt  ratio %s  samples:%s\n' "$v" "$m" \
		"$(awk -v a="$m" -v b="$u" 'BEGIN { printf "%.2f", a / b }')" "${samples[$v]}"
done
