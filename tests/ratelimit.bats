#!/usr/bin/env bats
# The bundled ratelimit program: per-source token bucket, checked with real traffic
# from host A to host B (tests/lib/lab.bash), ratelimit attached on B.

load lib/lab

OTHER_NET=198.51.100.7

setup()
{
	[ "$(id -u)" = 0 ] || skip "needs root"
	lab_up
}

teardown()
{
	lab_down
}

rl_json()
{
	xdpl_b ratelimit veth0 --json
}

# udp_flood SRC PPS SECONDS [DST]: paced UDP datagrams from A (source address SRC);
# prints the seconds the sending actually took.
udp_flood()
{
	on_a python3 -c '
import socket, sys, time
src, pps, secs, dst = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((src, 0))
n = int(pps * secs)
start = time.monotonic()
for i in range(n):
    t = start + i / pps
    d = t - time.monotonic()
    if d > 0:
        time.sleep(d)
    s.sendto(b"x" * 32, (dst, 9))
print("%.3f" % (time.monotonic() - start))
' "$1" "$2" "$3" "${4:-$LAB_IP_B}"
}

# within VALUE EXPECTED PERCENT: VALUE is within PERCENT% of EXPECTED
within()
{
	awk -v v="$1" -v e="$2" -v p="$3" 'BEGIN { d = v - e; if (d < 0) d = -d; exit !(d <= e * p / 100) }'
}

@test "load --rate/--burst sets the limits; defaults without them" {
	xdpl_b load veth0 ratelimit
	[ "$(rl_json | jq .rate_pps)" -eq 1000 ]
	[ "$(rl_json | jq .burst)" -eq 100 ]
	xdpl_b unload veth0 --all
	xdpl_b load veth0 ratelimit --rate 250 --burst 25
	[ "$(rl_json | jq .rate_pps)" -eq 250 ]
	[ "$(rl_json | jq .burst)" -eq 25 ]
}

@test "a sender above the rate gets about the rate through; a slow sender loses nothing" {
	lab_add_addr_a "$OTHER_NET"
	xdpl_b load veth0 ratelimit --rate 100 --burst 10
	# 500 packets/s for 2 s from one source, 10 packets/s from another meanwhile
	on_a ping -q -c 25 -i 0.1 -I "$OTHER_NET" "$LAB_IP_B" >"$BATS_TEST_TMPDIR/slow" 2>&1 &
	secs=$(udp_flood "$LAB_IP_A" 500 2)
	wait
	passed=$(rl_json | jq .passed)
	dropped=$(rl_json | jq .dropped)
	# the slow source: every ping answered
	grep -q "25 packets transmitted, 25 received" "$BATS_TEST_TMPDIR/slow"
	fast=$((passed - 25))
	expected=$(awk -v s="$secs" 'BEGIN { printf "%d", 10 + 100 * s }')
	echo "fast source: $fast passed, $dropped dropped in ${secs}s; expected about $expected"
	within "$fast" "$expected" 20
	[ "$dropped" -ge 700 ]
	[ "$(rl_json | jq .sources)" -ge 2 ]
}

@test "IPv6 sources are limited too" {
	xdpl_b load veth0 ratelimit --rate 50 --burst 5
	secs=$(udp_flood "$LAB_IP6_A" 400 1 "$LAB_IP6_B")
	passed=$(rl_json | jq .passed)
	expected=$(awk -v s="$secs" 'BEGIN { printf "%d", 5 + 50 * s }')
	echo "passed $passed in ${secs}s; expected about $expected"
	# a few more: A's own IPv6 housekeeping (router solicitations) also counts
	within "$passed" "$expected" 25
	[ "$(rl_json | jq .dropped)" -ge 300 ]
}

@test "ratelimit set changes the rate at runtime, without a reload" {
	xdpl_b load veth0 ratelimit --rate 10 --burst 1
	id=$(xdpl_b status --json | jq '.. | objects | select(.name? == "ratelimit") | .id' | head -n 1)
	run on_a ping -q -c 20 -i 0.01 -W 1 "$LAB_IP_B"
	[[ "$output" =~ \ ([0-9]+)\ received ]]
	[ "${BASH_REMATCH[1]}" -le 8 ] # about 1 + 10/s * 0.3 s
	xdpl_b ratelimit veth0 set --rate 10000 --burst 100
	ping_ok 20
	[ "$(rl_json | jq .rate_pps)" -eq 10000 ]
	[ "$(rl_json | jq .burst)" -eq 100 ]
	# same program: not reloaded
	[ "$(xdpl_b status --json | jq '.. | objects | select(.name? == "ratelimit") | .id' | head -n 1)" = "$id" ]
}

@test "bad settings exit 2 and change nothing; no ratelimit loaded exits 10" {
	run xdpl_b ratelimit veth0
	[ "$status" -eq 10 ]
	run xdpl_b load veth0 drop --rate 10
	[ "$status" -eq 2 ]
	run xdpl_b load veth0 ratelimit --rate 0
	[ "$status" -eq 2 ]
	run xdpl_b load veth0 ratelimit --burst -3
	[ "$status" -eq 2 ]
	xdpl_b load veth0 ratelimit --rate 300 --burst 30
	for args in "set" "set --rate 0" "set --rate abc" "set --burst 0" "set --rate 2000000000" \
		"frob" "--rate 5"; do
		# shellcheck disable=SC2086
		run xdpl_b ratelimit veth0 $args
		echo "ratelimit $args -> $status: $output"
		[ "$status" -eq 2 ]
	done
	[ "$(rl_json | jq .rate_pps)" -eq 300 ]
	[ "$(rl_json | jq .burst)" -eq 30 ]
}
