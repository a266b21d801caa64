#!/usr/bin/env bats
# Crash safety of the linked state: xdpload killed (SIGKILL) at every step of a
# change, at random moments, racing itself. After each kill, status tells what
# the kernel runs, nothing is left over, and the next commands just work.
# The long forms run in `make check-faults` (tests/faults/soak).

load lib/common
load lib/faults

LP=${TEST_PROGS:-$LAB_ROOT/build/tests/progs}

lk() { xdpl_b load -m skb --dispatcher linked veth0 "$@"; }

# run one change killed at STEP: it must die (137) and leave a consistent state
# with WANT programs called pass; then the next commands work
killed_at()
{
	local step=$1 want=$2
	shift 2
	run env XDPLOAD_FAULT="$step" ip netns exec "$LAB_B" "$XDPLOAD" "$@"
	echo "killed at $step: $* -> $status $output"
	[ "$status" -eq 137 ]
	fault_check
	n=$(xdpl_b status veth0 --json | jq '[.[0].programs[] | select(.name == "pass")] | length')
	echo "programs called pass: $n, want $want"
	[ "$n" -eq "$want" ]
	ping_none 2
	fault_next
}

@test "faults: a load killed at each step leaves the old chain or the new, and the next load works" {
	fault_base_chain
	# before the swap the old chain stays, after it the new one
	for step in linked:saved linked:pinned linked:staged; do
		killed_at "$step" 0 load -m skb --dispatcher linked veth0 pass
	done
	for step in linked:swapped linked:committed; do
		killed_at "$step" 1 load -m skb --dispatcher linked veth0 pass
	done
}

@test "faults: an unload killed at each step leaves the old chain or the new" {
	fault_base_chain
	for step in linked:saved linked:pinned linked:staged; do
		lk pass
		killed_at "$step" 1 unload veth0 -n pass
	done
	for step in linked:swapped linked:committed; do
		lk pass
		killed_at "$step" 0 unload veth0 -n pass
	done
}

@test "faults: unload --all killed after the detach: the next command starts afresh" {
	fault_base_chain
	key=$(fault_key)
	[ -n "$key" ]
	run env XDPLOAD_FAULT=linked:detached ip netns exec "$LAB_B" "$XDPLOAD" unload veth0 --all
	[ "$status" -eq 137 ]
	[ "$(xdp_id_b)" = 0 ]
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].backend')" = none ]
	# and nothing of the chain is left
	[ ! -e "/sys/fs/bpf/xdpload/$key" ]
	[ ! -e "/run/xdpload/$key" ]
	fault_base_chain
	fault_check
}

@test "faults: random kill -9 during loads and unloads" {
	fault_base_chain
	for i in $(seq "${FAULT_TRIALS:-25}"); do
		if [ $((i % 2)) -eq 1 ]; then op="load -m skb --dispatcher linked veth0 pass"
		else op="unload veth0 -n pass"; fi
		# shellcheck disable=SC2086
		ip netns exec "$LAB_B" "$XDPLOAD" $op >/dev/null 2>&1 &
		pid=$!
		sleep "0.00$((RANDOM % 10))$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		if ! out=$(fault_check); then echo "trial $i ($op): $out"; false; fi
	done
	echo "# ${FAULT_TRIALS:-25} random kills, every state consistent" >&3
	ping_none 2
	fault_next
}

@test "faults: a load waiting for the lock while unload --all removes the chain starts afresh" {
	for i in 1 2 3 4 5 6 7 8 9 10; do
		lk count
		xdpl_b unload veth0 --all & a=$!
		lk drop & b=$!
		wait "$a"
		wait "$b"
		# whichever ran last, the state is what runs
		st=$(xdpl_b status veth0 --json)
		[ "$(jq -r '.[0].dispatcher_id' <<<"$st")" = "$(xdp_id_b)" ] ||
			[ "$(jq -r '.[0].backend' <<<"$st")" = none ]
		xdpl_b unload veth0 --all 2>/dev/null || true
	done
}

@test "faults: a trace reader killed at each step of its swaps: the next command puts the untraced chain back" {
	fault_base_chain
	insns() { xdpl_b status veth0 --json | jq -r '.[0].dispatcher_insns'; }
	traced() { xdpl_b status veth0 --json | jq -r '.[0].traced'; }
	before=$(insns)
	# killed while swapping the traced dispatcher in
	for step in linked:saved linked:pinned linked:staged linked:swapped linked:committed; do
		run env XDPLOAD_FAULT="$step" ip netns exec "$LAB_B" "$XDPLOAD" trace veth0 -c 1
		echo "killed at $step: $status $output"
		[ "$status" -eq 137 ]
		fault_check
		[ "$(traced)" = false ]
		[ "$(insns)" = "$before" ]
		ping_none 2
	done
	# killed while swapping it out again (the second change it makes)
	for step in linked:staged linked:swapped; do
		env XDPLOAD_FAULT="$step:2" ip netns exec "$LAB_B" "$XDPLOAD" trace veth0 -c 1 \
			>/dev/null 2>&1 &
		pid=$!
		sleep 0.5
		on_a ping -c 2 -i 0.2 -W 1 "$LAB_IP_B" >/dev/null || true
		rc=0
		wait "$pid" || rc=$?
		echo "killed at $step, the second time: $rc"
		[ "$rc" -eq 137 ]
		fault_check
		[ "$(traced)" = false ]
		[ "$(insns)" = "$before" ]
	done
	fault_next
}

@test "faults: 8 parallel writers, every change lands once" {
	fault_base_chain
	fails=$BATS_TEST_TMPDIR/fails
	: >"$fails"
	# each writer adds a program and takes one out, round after round: every
	# command must succeed, and the chain ends as it began
	for w in 1 2 3 4 5 6 7 8; do
		(for r in $(seq "${FAULT_ROUNDS:-5}"); do
			# (load warns that pass is in the chain already: that is expected here)
			lk -P $((100 + w)) pass >/dev/null 2>&1 || echo "load $w/$r" >>"$fails"
			xdpl_b unload veth0 -n pass >/dev/null 2>&1 || echo "unload $w/$r" >>"$fails"
		done) &
	done
	wait
	cat "$fails"
	[ ! -s "$fails" ]
	[ "$(xdpl_b status veth0 --json | jq '[.[0].programs[] | select(.name == "pass")] | length')" -eq 0 ]
	fault_check
}

@test "faults: counters are exact through swaps under traffic" {
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	lk count pass
	stats=$BATS_TEST_TMPDIR/ping
	# as fast as the echo replies come back, for a fixed time
	on_a ping -q -i 0.0002 -w "${COUNTER_SECONDS:-3}" "$LAB_IP_B" >"$stats" &
	pinger=$!
	swaps=0
	while kill -0 "$pinger" 2>/dev/null; do
		lk -P 60 pass >/dev/null
		xdpl_b unload veth0 -n pass >/dev/null
		# a trace reader that starts and stops: the traced dispatcher in and out
		ip netns exec "$LAB_B" timeout 2 "$XDPLOAD" trace veth0 -c 1 >/dev/null 2>&1 || true
		swaps=$((swaps + 4))
	done
	wait "$pinger" || true
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$stats")
	echo "swaps during the flood: $swaps, echo requests sent: $sent"
	[ "$swaps" -ge 20 ]
	[ "$sent" -ge 1000 ]
	# every echo request went through count exactly once, whatever chain ran
	got=$(xdpl_b status veth0 --json | jq '.[0].programs[] | select(.name == "count") | .packets.XDP_PASS')
	echo "count saw $got"
	echo "# $swaps swaps under the flood; $sent echo requests, count saw $got" >&3
	[ "$got" -eq "$sent" ]
	# and their bytes (98 each), where the dispatcher counts bytes
	bytes=$(xdpl_b status veth0 --json | jq '.[0].programs[] | select(.name == "count") | .bytes.XDP_PASS')
	[ "$bytes" -eq $((sent * 98)) ]
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].traced')" = false ]
}

@test "faults: load/unload cycles leak no program, map or pin" {
	seen_progs="" seen_maps=""
	for i in $(seq "${LEAK_CYCLES:-20}"); do
		lk count "$LP/linked_drop_icmp.o" pass
		xdpl_b unload veth0 -n pass
		disp=$(xdp_id_b)
		seen_progs="$seen_progs $disp $(xdpl_b status veth0 --json | jq -r '.[0].programs[].id' | tr '\n' ' ')"
		seen_maps="$seen_maps $(bpftool -j prog show id "$disp" | jq -r '.map_ids[]' | tr '\n' ' ')"
		xdpl_b unload veth0 --all
	done
	key_dirs=$(ls /sys/fs/bpf/xdpload 2>/dev/null | wc -l)
	# the kernel frees programs and maps a little after the last reference goes
	for try in $(seq 20); do
		left=""
		for p in $seen_progs; do bpftool prog show id "$p" >/dev/null 2>&1 && left="$left prog:$p"; done
		for m in $seen_maps; do bpftool map show id "$m" >/dev/null 2>&1 && left="$left map:$m"; done
		[ -z "$left" ] && break
		sleep 0.2
	done
	echo "left after ${LEAK_CYCLES:-20} cycles:$left"
	echo "# ${LEAK_CYCLES:-20} cycles: $(wc -w <<<"$seen_progs") program and $(wc -w <<<"$seen_maps") map IDs gone, left:${left:- none}" >&3
	[ -z "$left" ]
	[ ! -e "/run/xdpload/$(fault_key)/manifest" ] || [ -z "$(fault_key)" ]
	[ "$(xdp_id_b)" = 0 ]
	echo "key dirs in the bpffs: $key_dirs"
}

@test "faults: clean in another namespace, or on the host, leaves a live chain alone" {
	fault_base_chain
	lk pass
	before=$(xdpl_b status veth0 --json | jq -c '[.[0].dispatcher_id, [.[0].programs[].id]]')
	# A has an interface with B's ifindex: clean there must not read B's state as its own
	[ "$(on_a cat /sys/class/net/veth0/ifindex)" = "$(on_b cat /sys/class/net/veth0/ifindex)" ]
	on_a "$XDPLOAD" clean
	"$XDPLOAD" clean
	[ "$(xdpl_b status veth0 --json | jq -c '[.[0].dispatcher_id, [.[0].programs[].id]]')" = "$before" ]
	fault_check
	ping_none 2
	fault_next
}

@test "faults: pins left without their /run half, in a namespace that is gone: clean removes them" {
	local key
	lk count pass
	key=$(state_key_b)
	[ -n "$key" ] && [ -d "/sys/fs/bpf/xdpload/$key" ]
	# the crash that splits a state: its /run half gone, its pins kept
	rm -rf "/run/xdpload/$key"
	# B lives: from the host nothing of it is touched
	"$XDPLOAD" clean
	[ -d "/sys/fs/bpf/xdpload/$key" ]
	# B is gone (its veth and the chain with it): clean from the host removes the pins
	ip netns del "$LAB_B"
	"$XDPLOAD" clean
	[ ! -e "/sys/fs/bpf/xdpload/$key" ]
}
