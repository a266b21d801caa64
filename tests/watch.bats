#!/usr/bin/env bats
# xdpload watch: live events from the bundled watch program, with real traffic from
# host A to host B (tests/lib/lab.bash), watch attached on B.

load lib/lab

setup()
{
	[ "$(id -u)" = 0 ] || skip "needs root"
	lab_up
	xdpl_b load veth0 watch
	OUT="$BATS_TEST_TMPDIR/events"
	ERR="$BATS_TEST_TMPDIR/summary"
}

teardown()
{
	lab_down
}

# watch_bg SECONDS ARGS...: run xdpload watch on B for SECONDS, then SIGINT it
watch_bg()
{
	local secs=$1

	shift
	ip netns exec "$LAB_B" timeout --preserve-status -s INT "$secs" "$XDPLOAD" watch veth0 "$@" \
		>"$OUT" 2>"$ERR" &
	WATCH_PID=$!
	# on a linked chain watch reads the trace: wait for the traced dispatcher
	for _ in $(seq 50); do
		[ "$(xdpl_b status veth0 --json 2>/dev/null |
			jq -r 'if .[0].backend == "linked" then .[0].traced else true end')" = true ] && break
		sleep 0.1
	done
	sleep 0.3
}

watch_wait()
{
	wait "$WATCH_PID"
}

@test "UDP and ICMP events carry addresses, protocol, ports, length and verdict (JSON)" {
	watch_bg 3 --json
	on_a bash -c 'printf "0123456789" > /dev/udp/192.0.2.2/5353'
	on_a bash -c 'printf "abc" > /dev/udp/2001:db8::2/53'
	on_a ping -c 2 -i 0.1 -W 1 "$LAB_IP_B" >/dev/null
	watch_wait # exits 0 after SIGINT
	cat "$OUT"
	udp=$(jq -c 'select(.proto == "udp" and .family == "ipv4")' "$OUT")
	[ "$(echo "$udp" | jq -r .src)" = 192.0.2.1 ]
	[ "$(echo "$udp" | jq -r .dst)" = 192.0.2.2 ]
	[ "$(echo "$udp" | jq -r .dport)" = 5353 ]
	[ "$(echo "$udp" | jq -r .sport)" -gt 0 ]
	# 14 Ethernet + 20 IPv4 + 8 UDP + 10 payload
	[ "$(echo "$udp" | jq -r .len)" = 52 ]
	[ "$(echo "$udp" | jq -r .smac)" = "$LAB_MAC_A" ]
	[ "$(echo "$udp" | jq -r .dmac)" = "$LAB_MAC_B" ]
	[ "$(echo "$udp" | jq -r .verdict)" = XDP_PASS ]
	[ "$(echo "$udp" | jq -r .interface)" = veth0 ]
	udp6=$(jq -c 'select(.proto == "udp" and .family == "ipv6")' "$OUT")
	[ "$(echo "$udp6" | jq -r .src)" = 2001:db8::1 ]
	[ "$(echo "$udp6" | jq -r .dst)" = 2001:db8::2 ]
	[ "$(echo "$udp6" | jq -r .dport)" = 53 ]
	# 14 + 40 IPv6 + 8 + 3
	[ "$(echo "$udp6" | jq -r .len)" = 65 ]
	[ "$(jq -c 'select(.proto == "icmp" and .icmp_type == 8 and .src == "192.0.2.1")' "$OUT" | wc -l)" -eq 2 ]
	grep -q "events shown" "$ERR"
}

@test "text output: one line per event" {
	watch_bg 2
	on_a bash -c 'printf "x" > /dev/udp/192.0.2.2/4000'
	watch_wait # exits 0 after SIGINT
	cat "$OUT"
	grep -E "veth0 udp 192\.0\.2\.1:[0-9]+ > 192\.0\.2\.2:4000 len 43 pass$" "$OUT"
}

@test "-c COUNT stops after COUNT events" {
	ip netns exec "$LAB_B" timeout 10 "$XDPLOAD" watch veth0 -c 2 >"$OUT" 2>"$ERR" &
	pid=$!
	sleep 0.5
	on_a ping -c 5 -i 0.1 -W 1 "$LAB_IP_B" >/dev/null
	wait "$pid" # not 124 (timeout): it stopped by itself
	[ "$(wc -l <"$OUT")" -eq 2 ]
	grep -q "2 events shown" "$ERR"
}

@test "a flood is rate-limited: not-reported count, no ring overflow, xdpload keeps up" {
	watch_bg 4 --rate 50
	on_a python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20000):
    s.sendto(b"x", ("192.0.2.2", 9))
'
	watch_wait # exits 0 after SIGINT
	cat "$ERR"
	[[ "$(cat "$ERR")" =~ ([0-9]+)\ events\ shown,\ ([0-9]+)\ frames\ seen,\ ([0-9]+)\ not\ reported\ \(([0-9]+)\ over\ the\ event\ rate,\ ([0-9]+)\ ring\ full\) ]]
	shown=${BASH_REMATCH[1]} seen=${BASH_REMATCH[2]} notrep=${BASH_REMATCH[3]} full=${BASH_REMATCH[5]}
	[ "$seen" -ge 20000 ]
	[ "$notrep" -gt 15000 ]
	[ "$full" -eq 0 ]
	# at most the rate (50/s per CPU, same burst) over the run, and every one printed
	ncpu=$(nproc)
	[ "$shown" -ge 50 ]
	[ "$shown" -le $((ncpu * 50 * 5)) ]
	[ "$(wc -l <"$OUT")" -eq "$shown" ]
}

@test "in a chain after filter, watch reports only what filter passed" {
	xdpl_b unload veth0 --all
	xdpl_b load veth0 filter watch
	xdpl_b filter veth0 port add 5353 --udp
	watch_bg 2 --json
	on_a bash -c 'printf "x" > /dev/udp/192.0.2.2/5353; printf "x" > /dev/udp/192.0.2.2/5354'
	watch_wait
	[ "$(jq -c 'select(.dport == 5354)' "$OUT" | wc -l)" -eq 1 ]
	[ "$(jq -c 'select(.dport == 5353)' "$OUT" | wc -l)" -eq 0 ]
}

@test "watch not loaded exits 10; bad options exit 2" {
	xdpl_b unload veth0 --all
	run xdpl_b watch veth0 -c 1
	[ "$status" -eq 10 ]
	[[ "$output" == *"no 'watch' program attached"* ]]
	xdpl_b load veth0 watch
	for args in "-c 0" "-c x" "--rate 0" "--frob" "veth1"; do
		# shellcheck disable=SC2086
		run xdpl_b watch veth0 $args
		echo "watch $args -> $status: $output"
		[ "$status" -eq 2 ]
	done
	run xdpl_b watch nosuch0
	[ "$status" -eq 5 ]
}

@test "--proto: only those frames are reported, the rest spend none of the rate; icmp6 is icmp6" {
	watch_bg 3 --json --proto icmp,icmp6 --rate 5
	on_a python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(2000):
    s.sendto(b"x", ("192.0.2.2", 9))
'
	on_a ping -c 2 -i 0.2 -W 1 "$LAB_IP_B" >/dev/null
	on_a ping -6 -c 2 -i 0.2 -W 1 "$LAB_IP6_B" >/dev/null
	watch_wait
	cat "$OUT" "$ERR"
	# the UDP flood was filtered before the budget of 5: every ping is there
	[ "$(jq -c 'select(.proto == "icmp" and .icmp_type == 8)' "$OUT" | wc -l)" -eq 2 ]
	[ "$(jq -c 'select(.proto == "icmp6" and .icmp_type == 128)' "$OUT" | wc -l)" -eq 2 ]
	[ "$(jq -c 'select(.proto != "icmp" and .proto != "icmp6")' "$OUT" | wc -l)" -eq 0 ]
	[[ "$(cat "$ERR")" =~ ([0-9]+)\ not\ of\ --proto ]]
	[ "${BASH_REMATCH[1]}" -ge 2000 ]
	run xdpl_b watch veth0 --proto icmp,frob
	[ "$status" -eq 2 ]
	[[ "$output" == *"bad protocol 'frob'"* ]]
}

@test "--rate and --proto are the reader's: the next reader starts from the defaults; one reader at a time" {
	watch_bg 1 --rate 1 --proto arp
	watch_wait
	# a reader without options sees every frame again, at the default rate
	watch_bg 2 --json
	on_a bash -c 'for i in 1 2 3 4 5 6; do printf x > /dev/udp/192.0.2.2/4000; done'
	watch_wait
	[ "$(jq -c 'select(.dport == 4000)' "$OUT" | wc -l)" -eq 6 ]
	# with no reader the program reports nothing: the ring stays empty
	sleep 2.2
	on_a bash -c 'printf x > /dev/udp/192.0.2.2/4001'
	watch_bg 1 --json
	watch_wait
	[ "$(jq -c 'select(.dport == 4001)' "$OUT" | wc -l)" -eq 0 ]
	# a second reader while the first one reads: refused, exit 9
	watch_bg 3
	run xdpl_b watch veth0 -c 1
	echo "$output"
	[ "$status" -eq 9 ]
	[[ "$output" == *"another xdpload watch (pid "*") reads it"* ]]
	watch_wait
}

@test "watch exits 10 when its program is unloaded" {
	xdpl_b load veth0 count
	ip netns exec "$LAB_B" timeout 20 "$XDPLOAD" watch veth0 >"$OUT" 2>"$ERR" &
	pid=$!
	sleep 0.5
	xdpl_b unload veth0 -n count # a rebuild: watch stays, and so does the reader
	sleep 0.6
	kill -0 "$pid"
	xdpl_b unload veth0 -n watch
	rc=0
	wait "$pid" || rc=$?
	cat "$ERR"
	[ "$rc" -eq 10 ]
	grep -q "the watch program was unloaded" "$ERR"
	grep -q "events shown" "$ERR"
}

@test "the verdict is the chain's: before drop, watch reports the pings as dropped" {
	xdpl_b load veth0 drop # priority 90: after watch (40)
	watch_bg 3 --json --proto icmp
	on_a ping -c 2 -i 0.2 -W 1 "$LAB_IP_B" >/dev/null || true
	watch_wait
	cat "$OUT"
	[ "$(jq -c 'select(.proto == "icmp" and .icmp_type == 8)' "$OUT" | wc -l)" -eq 2 ]
	[ "$(jq -r 'select(.icmp_type == 8) | .verdict' "$OUT" | sort -u)" = XDP_DROP ]
	# the text form too, and the dispatcher is untraced again afterwards
	watch_bg 3 --proto icmp
	on_a ping -c 1 -W 1 "$LAB_IP_B" >/dev/null || true
	watch_wait
	grep -q 'type 8 len 98 drop$' "$OUT"
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].traced')" = false ]
}
