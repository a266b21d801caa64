#!/usr/bin/env bats
# xdpload trace: which program of a linked chain decided each packet, with real
# traffic from host A to host B (tests/lib/lab.bash), the chain on B's veth0.

load lib/common
load lib/schema


setup()
{
	[ "$(id -u)" = 0 ] || skip "needs root"
	lab_up
	OUT="$BATS_TEST_TMPDIR/out"
	ERR="$BATS_TEST_TMPDIR/err"
}

teardown()
{
	lab_down
}

# traced: the traced dispatcher runs on B's veth0 (status JSON)
traced()
{
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].traced')" = true ]
}

insns()
{
	xdpl_b status veth0 --json | jq -r '.[0].dispatcher_insns'
}

# trace_bg SECONDS ARGS...: xdpload trace on B for at most SECONDS (then SIGINT),
# returning once its reader runs
trace_bg()
{
	local secs=$1 i

	shift
	ip netns exec "$LAB_B" timeout --preserve-status -s INT "$secs" "$XDPLOAD" trace veth0 "$@" \
		>"$OUT" 2>"$ERR" &
	TRACE_PID=$!
	for i in $(seq 50); do
		traced && break
		sleep 0.1
	done
	traced
	sleep 0.2
}

trace_wait()
{
	wait "$TRACE_PID"
}

udp_to() # PORT...
{
	local p

	for p in "$@"; do
		on_a bash -c "printf x > /dev/udp/$LAB_IP_B/$p"
	done
}

@test "a blocked ping through count -> filter -> drop is named as dropped by filter" {
	xdpl_b load -m skb veth0 count filter drop
	xdpl_b filter veth0 ip add "$LAB_IP_A" --src
	before=$(insns)
	trace_bg 6 --proto icmp -c 2 --json
	on_a ping -c 3 -i 0.2 -W 1 "$LAB_IP_B" >/dev/null || true
	trace_wait
	cat "$OUT"
	# what the rule means is checked here, by the filter's own counters: it dropped them
	[ "$(xdpl_b status veth0 --json | jq '.[0].programs[] | select(.name == "filter") | .packets.XDP_DROP > 0')" = true ]
	[ "$(jq -s '[.[] | select(.packet)] | length' "$OUT")" = 2 ]
	jq -e -s 'all(.[] | select(.packet); .decided_by == "filter" and .verdict == "XDP_DROP"
		and .end_of_chain == false and .interface == "veth0"
		and ([.programs[] | "\(.name) \(.action)"] == ["count XDP_PASS", "filter XDP_DROP"])
		and .headers.proto == "icmp" and .headers.src == "192.0.2.1")' "$OUT"
	conforms trace <"$OUT"
	# the last reader gone, the untraced dispatcher is back
	! traced
	[ "$(insns)" = "$before" ]
}

@test "every verdict, decided in the middle of the chain and at its end, in text" {
	xdpl_b load -m skb veth0 count "$TEST_PROGS/trace_verdict.o" drop
	trace_bg 8 --proto udp -c 6
	udp_to 9000 9001 9002 9003 9004 9005
	trace_wait
	cat "$OUT"
	grep -q ' count pass, tr_verdict aborted => XDP_ABORTED by tr_verdict$' "$OUT"
	grep -q ' count pass, tr_verdict drop => XDP_DROP by tr_verdict$' "$OUT"
	grep -q ' count pass, tr_verdict pass, drop drop => XDP_DROP by drop$' "$OUT"
	grep -q ' count pass, tr_verdict tx => XDP_TX by tr_verdict$' "$OUT"
	grep -q ' count pass, tr_verdict redirect => XDP_REDIRECT by tr_verdict$' "$OUT"
	grep -q ' count pass, tr_verdict other => 7 by tr_verdict$' "$OUT"
	grep -q 'udp 192.0.2.1:[0-9]* > 192.0.2.2:9004' "$OUT"
}

@test "the first program decides, or the end of the chain; icmp6 is named icmp6" {
	xdpl_b load -m skb -P 1 veth0 abort
	xdpl_b load -m skb veth0 count
	trace_bg 6 --proto icmp -c 1 --json
	on_a ping -c 2 -i 0.2 -W 1 "$LAB_IP_B" >/dev/null || true
	trace_wait
	jq -e -s 'map(select(.packet)) | length == 1 and all(.[]; .decided_by == "abort"
		and .verdict == "XDP_ABORTED" and ([.programs[].name] == ["abort"]))' "$OUT"
	xdpl_b unload veth0 -n abort
	xdpl_b load -m skb veth0 pass
	trace_bg 6 --proto icmp6 -c 1 --json
	on_a ping -6 -c 2 -i 0.2 -W 1 "$LAB_IP6_B" >/dev/null
	trace_wait
	cat "$OUT"
	jq -e -s 'map(select(.packet)) | length == 1 and all(.[]; .decided_by == null
		and .end_of_chain and .verdict == "XDP_PASS" and .headers.proto == "icmp6"
		and ([.programs[] | "\(.name) \(.action)"] == ["count XDP_PASS", "pass XDP_PASS"]))' "$OUT"
}

@test "filters: protocol, address and prefix, port, verdict, program" {
	xdpl_b load -m skb veth0 count "$TEST_PROGS/trace_verdict.o" drop
	lab_add_addr_a 198.51.100.7
	check() # ARGS... -- expected port list, in order
	{
		local args=() want
		while [ "$1" != -- ]; do args+=("$1"); shift; done
		shift
		want="$*"
		trace_bg 6 --json "${args[@]}"
		udp_to 9001 9002 9003
		on_a bash -c "printf x > /dev/udp/$LAB_IP_B/7000"
		on_a ping -c 1 -W 1 "$LAB_IP_B" >/dev/null || true
		on_a ping -c 1 -W 1 -I 198.51.100.7 "$LAB_IP_B" >/dev/null || true
		sleep 0.5
		kill -INT "$TRACE_PID"
		trace_wait
		got=$(jq -r 'select(.packet) | if .headers.dport then .headers.dport else .headers.src end' "$OUT" | xargs)
		echo "${args[*]}: got '$got', want '$want'"
		[ "$got" = "$want" ]
	}
	check --proto udp -- 9001 9002 9003 7000
	check --proto icmp -- 192.0.2.1 198.51.100.7
	check --src 198.51.100.0/24 -- 198.51.100.7
	check --addr 192.0.2.0/24 --proto icmp -- 192.0.2.1 198.51.100.7
	check --dst 192.0.2.3 --
	check --dport 7000 -- 7000
	check --port 9003 -- 9003
	check --verdict tx,aborted --proto udp -- 9003
	check --verdict drop --proto udp -- 9001 9002 7000
	check --prog tr_verdict -- 9001 9003
	check --prog drop --proto udp -- 9002 7000
	# it passes everything on: it decides nothing
	check --prog count --
	check --ran drop --proto udp -- 9002 7000
	run xdpl_b trace veth0 --prog nosuch
	[ "$status" -eq 4 ]
	run xdpl_b trace veth0 --proto frob
	[ "$status" -eq 2 ]
	run xdpl_b trace veth0 --src 10.0.0.0/33
	[ "$status" -eq 2 ]
	run xdpl_b trace veth0 --src 10.0.0.1 --dst 10.0.0.2
	[ "$status" -eq 2 ]
	! traced
}

@test "-c N, --sample, and a flood rate-limited with the count of what was not reported" {
	xdpl_b load -m skb veth0 count pass
	trace_bg 10 --proto udp -c 3
	udp_to 5 6 7 8 9
	trace_wait # exits by itself after 3
	[ "$(wc -l <"$OUT")" = 3 ]
	trace_bg 10 --proto udp --sample 2 --json
	udp_to 1 2 3 4 5 6 7 8
	sleep 0.3
	kill -INT "$TRACE_PID"
	trace_wait
	[ "$(jq -s '[.[] | select(.packet)] | length' "$OUT")" -ge 2 ]
	[ "$(jq -s '[.[] | select(.packet)] | length' "$OUT")" -le 6 ]
	jq -e 'select(.shown) | .sampled_out >= 2' "$OUT"
	trace_bg 4 --rate 50 --json
	on_a python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20000):
    s.sendto(b"x", ("192.0.2.2", 9))
'
	trace_wait
	summary=$(jq -c 'select(.not_reported)' "$OUT")
	echo "$summary"
	shown=$(jq -r .shown <<<"$summary")
	[ "$(jq -r .seen <<<"$summary")" -ge 20000 ]
	[ "$(jq -r .not_reported <<<"$summary")" -gt 15000 ]
	[ "$(jq -r .ring_full <<<"$summary")" -eq 0 ]
	[ "$shown" -ge 50 ]
	[ "$shown" -le $(($(nproc) * 50 * 5)) ]
	[ "$(jq -s '[.[] | select(.packet)] | length' "$OUT")" -eq "$shown" ]
	conforms trace <"$OUT"
}

@test "a reader that stops while packets flow: counters stay exact, the untraced dispatcher comes back" {
	xdpl_b load -m skb veth0 count drop
	before=$(insns)
	on_a python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 4
n = 0
while time.time() < end:
    s.sendto(b"x", ("192.0.2.2", 9)); n += 1
    if n % 200 == 0: time.sleep(0.001)
open("/tmp/xdpl-trace-sent-'"$LAB_ID"'", "w").write(str(n))
' &
	flood=$!
	sleep 0.5
	ip netns exec "$LAB_B" timeout 5 "$XDPLOAD" trace veth0 -c 20 --proto udp >"$OUT"
	[ "$(grep -c '^#' "$OUT")" -eq 20 ]
	[ "$(grep -c 'count pass, drop drop => XDP_DROP by drop$' "$OUT")" -eq 20 ]
	wait "$flood"
	sent=$(cat "/tmp/xdpl-trace-sent-$LAB_ID")
	rm -f "/tmp/xdpl-trace-sent-$LAB_ID"
	! traced
	[ "$(insns)" = "$before" ]
	# every frame counted once, across the two swaps (ARP and ND add a few)
	st=$(xdpl_b status veth0 --json)
	pass=$(jq '.[0].programs[0].packets.XDP_PASS' <<<"$st")
	drop=$(jq '.[0].programs[1].packets.XDP_DROP' <<<"$st")
	echo "sent $sent, count passed $pass, drop dropped $drop"
	[ "$pass" -eq "$drop" ]
	[ "$pass" -ge "$sent" ]
	[ "$pass" -le $((sent + 20)) ]
}

@test "a reader killed -9 leaves the traced dispatcher only until the next command" {
	xdpl_b load -m skb veth0 count drop
	before=$(insns)
	# xdpload itself (ip netns exec execs it), not a timeout around it
	ip netns exec "$LAB_B" "$XDPLOAD" trace veth0 >"$OUT" 2>&1 &
	pid=$!
	for i in $(seq 50); do traced && break; sleep 0.1; done
	[ "$(insns)" -gt "$before" ]
	kill -9 "$pid"
	wait "$pid" || true
	# the next command (status here) swaps back, and says so in its JSON
	! traced
	[ "$(insns)" = "$before" ]
	# and a later reader starts from scratch
	trace_bg 6 --proto icmp -c 1
	on_a ping -c 2 -i 0.2 -W 1 "$LAB_IP_B" >/dev/null || true
	trace_wait
	grep -q 'count pass, drop drop => XDP_DROP by drop' "$OUT"
	! traced
}

@test "two readers: each its own filters; the dispatcher stays traced until the last one stops" {
	xdpl_b load -m skb veth0 count pass
	before=$(insns)
	ip netns exec "$LAB_B" timeout --preserve-status -s INT 20 "$XDPLOAD" trace veth0 --proto udp \
		>"$BATS_TEST_TMPDIR/one" 2>/dev/null &
	one=$!
	trace_bg 20 --proto icmp
	udp_to 4000
	on_a ping -c 1 -W 1 "$LAB_IP_B" >/dev/null
	sleep 0.5
	kill -INT "$TRACE_PID"
	trace_wait
	traced # the other one still reads
	udp_to 4001
	sleep 0.5
	kill -INT "$one"
	wait "$one"
	! traced
	[ "$(insns)" = "$before" ]
	cat "$OUT" "$BATS_TEST_TMPDIR/one"
	grep -q '^#1 icmp 192.0.2.1 > 192.0.2.2' "$OUT"
	! grep -q udp "$OUT"
	[ "$(grep -c 'udp 192.0.2.1' "$BATS_TEST_TMPDIR/one")" = 2 ]
	! grep -q icmp "$BATS_TEST_TMPDIR/one"
}

@test "the chain changes while a reader runs: it stays traced and names the new program" {
	xdpl_b load -m skb veth0 count
	trace_bg 10 --proto icmp --json
	xdpl_b load -m skb veth0 drop
	traced
	on_a ping -c 2 -i 0.2 -W 1 "$LAB_IP_B" >/dev/null || true
	sleep 0.5
	kill -INT "$TRACE_PID"
	trace_wait
	cat "$OUT"
	jq -e -s 'map(select(.packet)) | length >= 1 and all(.[]; .decided_by == "drop")' "$OUT"
	! traced
	xdpl_b unload veth0 --all
}

@test "no chain: exit 10; a program xdpload did not attach: exit 8 naming --dispatcher linked" {
	run xdpl_b trace veth0
	[ "$status" -eq 10 ]
	ip -n "$LAB_B" link set dev veth0 xdpgeneric obj "$LAB_ROOT/build/progs/pass.o" sec xdp.frags
	run xdpl_b trace veth0
	echo "$output"
	[ "$status" -eq 8 ]
	[[ "$output" == *"--dispatcher linked"* ]]
	run xdpl_b trace veth0 --json
	[ "$status" -eq 8 ]
	jq -e '.kind == "chain" and .exit_code == 8' <<<"$output"
	ip -n "$LAB_B" link set dev veth0 xdpgeneric off
}

@test "the chain unloaded while a reader runs: exit 10 after the summary, nothing left behind" {
	xdpl_b load -m skb veth0 count
	# the state's key: the namespace's cookie (SO_NETNS_COOKIE) and the ifindex
	key=$(printf '%x-%d' "$(ip netns exec "$LAB_B" python3 -c 'import socket,struct; s=socket.socket(); print(struct.unpack("Q", s.getsockopt(socket.SOL_SOCKET, 71, 8))[0])')" \
		"$(ip netns exec "$LAB_B" cat /sys/class/net/veth0/ifindex)")
	[ -e "/run/xdpload/$key/manifest" ]
	trace_bg 20
	[ -e "/sys/fs/bpf/xdpload/$key/trace" ]
	xdpl_b unload veth0 --all
	rc=0
	trace_wait || rc=$?
	cat "$ERR"
	[ "$rc" -eq 10 ]
	grep -q "the chain was unloaded" "$ERR"
	grep -q "packets shown" "$ERR"
	[ "$(ip -n "$LAB_B" -j link show veth0 | jq -r '.[0].xdp.prog.id // 0')" = 0 ]
	[ ! -e "/run/xdpload/$key" ]
	[ ! -e "/sys/fs/bpf/xdpload/$key" ]
}
