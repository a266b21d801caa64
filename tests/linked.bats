#!/usr/bin/env bats
# The linked dispatcher (--dispatcher linked): one XDP program calling every component.
# Real traffic from A to B decides; status --json and the kernel's view confirm.

load lib/common

LP=${TEST_PROGS:-$LAB_ROOT/build/tests/progs}

teardown()
{
	if [ -n "${pins:-}" ]; then rm -rf "$pins"; fi
	lab_down
}

lk() { xdpl_b load -m skb --dispatcher linked veth0 "$@"; }

# names of B's chain, in run order, space-separated
chain_b() { xdpl_b status veth0 --json | jq -r '[.[0].programs[].name] | join(" ")'; }

# packets a program returned ACTION for, per the dispatcher's counters
pkts_b() { xdpl_b status veth0 --json | jq -r --arg n "$1" --arg a "$2" \
	'[.[0].programs[] | select(.name == $n) | .packets[$a]][0]'; }

# the ID of map NAME used by program ID
map_of() {
	local m
	for m in $(bpftool -j prog show id "$1" | jq -r '.map_ids[]'); do
		if [ "$(bpftool -j map show id "$m" | jq -r .name)" = "$2" ]; then echo "$m"; fi
	done
}

# B's state directory in the bpffs: the one whose pinned dispatcher is attached
pin_dir_b() {
	local id d
	id=$(xdp_id_b)
	for d in /sys/fs/bpf/xdpload/*/; do
		for p in "$d"dispatcher_*; do
			[ "$(bpftool -j prog show pinned "$p" 2>/dev/null | jq -r .id)" = "$id" ] &&
				echo "${d%/}"
		done
	done
	return 0
}

@test "linked: count + drop stops ping, counts per program and action" {
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	lk count drop
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].backend')" = linked ]
	[ "$(chain_b)" = "count drop" ]
	# the dispatcher is what the kernel runs on the interface
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].dispatcher_id')" = "$(xdp_id_b)" ]
	ping_none 5
	[ "$(pkts_b count XDP_PASS)" -eq 5 ]
	[ "$(pkts_b drop XDP_DROP)" -eq 5 ]
	[ "$(pkts_b drop XDP_PASS)" -eq 0 ]
	# count's own map saw the same packets
	cid=$(status_id_b count)
	[ "$(map_sum "$(map_of "$cid" xdpl_count_map)" packets)" -eq 5 ]
}

@test "linked: a program added later runs in priority order" {
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	lk count drop
	old=$(xdp_id_b)
	lk -P 5 pass
	[ "$(chain_b)" = "pass count drop" ]
	[ "$(xdp_id_b)" != "$old" ]
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].programs[0].priority')" = 5 ]
	ping_none 2
	# every packet went through pass, then count, then drop
	[ "$(xdpl_b status veth0 --json | jq -c '[.[0].programs[].packets | .XDP_PASS, .XDP_DROP]')" = "[2,0,2,0,0,2]" ]
}

@test "linked: unload -n and -i take one program out, the rest keeps running" {
	lk count drop pass
	ping_none 2
	xdpl_b unload veth0 -n drop
	[ "$(chain_b)" = "count pass" ]
	ping_ok 3
	id=$(status_id_b pass)
	xdpl_b unload veth0 -i "$id"
	[ "$(chain_b)" = "count" ]
	run xdpl_b unload veth0 -i 999999999
	[ "$status" -eq 10 ]
	run xdpl_b unload veth0 -n nosuch
	[ "$status" -eq 10 ]
	[ "$(chain_b)" = "count" ]
	ping_ok 2
	# the ID on the interface (the dispatcher's) stands for the whole chain
	xdpl_b unload veth0 -i "$(xdp_id_b)"
	[ "$(xdp_id_b)" = 0 ]
}

@test "linked: unload --all leaves no pin, program or map of the chain" {
	lk count drop
	disp=$(xdp_id_b)
	progs="$disp $(xdpl_b status veth0 --json | jq -r '.[0].programs[].id' | tr '\n' ' ')"
	maps=$(bpftool -j prog show id "$disp" | jq -r '.map_ids[]' | tr '\n' ' ')
	dir=$(pin_dir_b)
	[ -n "$dir" ]
	[ -n "$(ls "$dir"/dispatcher_*)" ]
	[ -n "$maps" ]
	run_dir=/run/xdpload/$(basename "$dir")
	[ -e "$run_dir/manifest" ]
	xdpl_b unload veth0 --all
	[ "$(xdp_id_b)" = 0 ]
	[ ! -e "$dir" ]
	[ ! -e "$run_dir" ]
	# the kernel freed everything (program and map release is deferred a little)
	for try in 1 2 3 4 5 6 7 8 9 10; do
		left=""
		for p in $progs; do bpftool prog show id "$p" >/dev/null 2>&1 && left="$left prog:$p"; done
		for m in $maps; do bpftool map show id "$m" >/dev/null 2>&1 && left="$left map:$m"; done
		[ -z "$left" ] && break
		sleep 0.2
	done
	echo "left: $left"
	[ -z "$left" ]
	ping_ok 2
}

@test "linked: map state survives rebuilds (count keeps counting)" {
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	lk count
	cid=$(status_id_b count)
	map=$(map_of "$cid" xdpl_count_map)
	on_a ping -q -c 4 -i 0.01 "$LAB_IP_B" >/dev/null
	lk -P 90 pass
	lk -P 95 pass
	xdpl_b unload veth0 -n pass
	# the same program copy, the same map, still counting
	[ "$(status_id_b count)" = "$cid" ]
	on_a ping -q -c 3 -i 0.01 "$LAB_IP_B" >/dev/null
	[ "$(map_sum "$map" packets)" -eq 7 ]
	# the dispatcher's counters carried over too
	[ "$(pkts_b count XDP_PASS)" -eq 7 ]
}

@test "linked: user programs with maps, subprograms, global functions, global data, tail calls, bpf_loop" {
	lk "$LP/linked_subprogs.o" "$LP/linked_global.o" "$LP/linked_loop.o" "$LP/linked_voidctx.o"
	# the object holds the tail-call target too: pick the caller by name
	lk -n lk_tail "$LP/linked_tail.o"
	[ "$(xdpl_b status veth0 --json | jq '.[0].programs | length')" = 5 ]
	ping_ok 3
	# the tail call's target ran, and the chain went on after it
	tid=$(status_id_b lk_tail)
	cnt=$(map_of "$tid" lk_tail_cnt)
	ran=$(bpftool -j map lookup id "$cnt" key 2 0 0 0 | jq -r '.formatted.value // .value')
	[ "$ran" -gt 0 ]
	[ "$(pkts_b lk_loop XDP_PASS)" -gt 0 ]
	# global data: .bss counted the packets
	gid=$(status_id_b lk_global)
	bss=""
	for m in $(bpftool -j prog show id "$gid" | jq -r '.map_ids[]'); do
		bss="$bss$(bpftool -j map show id "$m" | jq -r 'select(.name | endswith(".bss")) | .id')"
	done
	[ "$(bpftool -j map dump id "$bss" | jq -r '.[0].formatted.value[".bss"][0].lk_total')" -gt 0 ]
	# a rule in the hash map, seen by the global function through a static subprogram
	sid=$(status_id_b lk_subprogs)
	deny=$(map_of "$sid" lk_src_deny)
	bpftool map update id "$deny" key 192 0 2 1 value 1 0 0 0
	ping_none 3
	# the rule survives a rebuild of the chain
	lk pass
	ping_none 2
	bpftool map delete id "$deny" key 192 0 2 1
	ping_ok 2
}

@test "linked: a chain of 10" {
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	lk pass pass pass pass pass pass pass pass pass drop
	[ "$(xdpl_b status veth0 --json | jq '.[0].programs | length')" = 10 ]
	ping_none 4
	[ "$(xdpl_b status veth0 --json | jq -c '[.[0].programs[] | select(.name == "pass") | .packets.XDP_PASS] | unique')" = "[4]" ]
	[ "$(pkts_b drop XDP_DROP)" -eq 4 ]
	xdpl_b unload veth0 -n drop
	ping_ok 2
}

@test "linked: the chain is swapped atomically (zero ICMP replies while rebuilt 100 times)" {
	lk "$LP/linked_drop_icmp.o"
	ping_none 2
	on_a ping -q -i 0.002 -w 30 "$LAB_IP_B" >"$BATS_TEST_TMPDIR/ping.out" 2>&1 &
	pinger=$!
	for i in $(seq 50); do
		lk -P 1 pass
		xdpl_b unload veth0 -n pass
	done
	kill -INT "$pinger"
	wait "$pinger" || true
	cat "$BATS_TEST_TMPDIR/ping.out"
	grep -q " 0 received" "$BATS_TEST_TMPDIR/ping.out"
	# the pings did arrive, and were dropped by the component all along
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$BATS_TEST_TMPDIR/ping.out")
	[ "$sent" -gt 100 ]
	[ "$(pkts_b lk_drop_icmp XDP_DROP)" -ge "$sent" ]
	[ "$(chain_b)" = "lk_drop_icmp" ]
}

@test "linked: concurrent runs are serialised (none lost)" {
	lk drop
	pids=""
	for i in 1 2 3 4 5 6; do
		xdpl_b load --dispatcher linked -P "$i" veth0 pass &
		pids="$pids $!"
	done
	for p in $pids; do wait "$p"; done
	[ "$(chain_b)" = "pass pass pass pass pass pass drop" ]
	ping_none 2
}

@test "linked: the same ifindex in two namespaces never collides" {
	ia=$(ip -n "$LAB_A" -j link show veth0 | jq .[0].ifindex)
	ib=$(ip -n "$LAB_B" -j link show veth0 | jq .[0].ifindex)
	echo "ifindex A=$ia B=$ib"
	lk drop
	ip netns exec "$LAB_A" "$XDPLOAD" load -m skb --dispatcher linked veth0 pass count
	[ "$(chain_b)" = "drop" ]
	[ "$(ip netns exec "$LAB_A" "$XDPLOAD" status veth0 --json | jq -r '[.[0].programs[].name] | join(" ")')" = "count pass" ]
	ip netns exec "$LAB_A" "$XDPLOAD" unload veth0 --all
	[ "$(chain_b)" = "drop" ]
	ping_none 2
	ip netns exec "$LAB_A" "$XDPLOAD" load -m skb --dispatcher linked veth0 pass
	xdpl_b unload veth0 --all
	[ "$(ip netns exec "$LAB_A" "$XDPLOAD" status veth0 --json | jq -r '.[0].programs[0].name')" = pass ]
	ping_ok 2
}

@test "linked: composition errors name the program and change nothing" {
	lk count
	# everything but the counters, which stray packets may move
	shape() { xdpl_b status veth0 --json | jq -c 'del(.[].programs[].packets, .[].programs[].bytes)'; }
	before=$(shape)
	run lk "$LP/linked_deep8.o"
	[ "$status" -eq 8 ]
	[[ "$output" == *"linked_deep8.o: nests calls 8 frames deep"* ]]
	run lk "$LP/linked_nongpl.o" "$LP/linked_gplonly.o"
	[ "$status" -eq 8 ]
	[[ "$output" == *"linked_gplonly.o: calls GPL-only helper"*"linked_nongpl.o is not GPL-compatible"* ]]
	# the verifier refuses it alone: exit 6, named, with the log
	run lk "$LP/linked_nongpl_printk.o"
	[ "$status" -eq 6 ]
	[[ "$output" == *"linked_nongpl_printk.o: rejected by the kernel verifier"* ]]
	[[ "$output" == *"GPL"* ]]
	[ "$(shape)" = "$before" ]
	ping_ok 2
}

@test "linked: count next to a program that is not GPL-compatible: no kfunc in the chain, back after it goes" {
	# count reads the kernel's xdp_buff through a kfunc (6.2+), which the
	# verifier refuses anywhere in a chain that is not GPL-compatible
	[ "$(uname -r | awk -F. '{ print ($1 * 100 + $2 >= 602) }')" = 1 ] || skip "needs 6.2"
	flags_read() { bpftool prog dump xlated id "$(xdp_id_b)" | grep -c 'x->flags & frags' || true; }
	lk count pass
	[ "$(flags_read)" -ge 1 ]
	lk "$LP/linked_nongpl.o"
	[ "$(chain_b)" = "count lk_nongpl pass" ]
	[ "$(flags_read)" = 0 ]
	ping_ok 2
	[ "$(pkts_b count XDP_PASS)" -ge 2 ]
	xdpl_b unload veth0 -n lk_nongpl
	[ "$(flags_read)" -ge 1 ]
	ping_ok 2
}

@test "linked: frags and plain programs chain, as in libxdp: the chain takes no multi-buffer packets" {
	run lk -v "$LP/linked_pass.o" "$LP/linked_frags.o"
	[ "$status" -eq 0 ]
	[[ "$output" == *"linked_pass.o: not built for multi-buffer packets"*"chain takes none"* ]]
	id=$(xdp_id_b)
	# the kernel's flag for multi-buffer is off on the composite
	! bpftool -j prog show id "$id" | jq -e '.xdp_has_frags == true' >/dev/null
	ping_ok 2
	# with only frags programs (and the bundled ones) the chain keeps frags
	xdpl_b unload veth0 --all
	lk "$LP/linked_frags.o" count
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].programs | length')" = 2 ]
	ping_ok 2
}

@test "linked: a program another tool attached is replaced only with --force" {
	ip -n "$LAB_B" link set dev veth0 xdpgeneric obj "$LAB_ROOT/build/progs/pass.o" sec xdp.frags
	id=$(xdp_id_b)
	run lk drop
	[ "$status" -eq 9 ]
	[[ "$output" == *"--force"* ]]
	[ "$(xdp_id_b)" = "$id" ]
	lk --force drop
	[ "$(chain_b)" = "drop" ]
	ping_none 2
}

@test "linked: --no-stats leaves the counters out" {
	lk --no-stats pass
	[ "$(xdpl_b status veth0 --json | jq '.[0].programs[0] | has("packets")')" = false ]
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].counters')" = off ]
	[[ "$(xdpl_b status veth0 --json | jq -r '.[0].counters_note')" == *"--no-stats"* ]]
	run xdpl_b stats veth0 -c 1 -i 0.1
	[ "$status" -eq 1 ]
	[[ "$output" == *"nothing counts here: loaded with --no-stats"* ]]
	ping_ok 2
	# the bundled count still counts on its own: packets and bytes, and stats shows them
	xdpl_b load veth0 count
	ping_ok 2
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].programs[0] | [.name, .packets.XDP_PASS > 0, .bytes.XDP_PASS > 0] | join(" ")')" = "count true true" ]
	run xdpl_b stats veth0 -c 1 -i 0.1 --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.programs[0] | has("bytes_delta") and has("bps")' <<<"${lines[-1]}")" = true ]
}

@test "linked: stats reports packets and rates per program and action" {
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	lk count drop
	on_a ping -q -c 30 -i 0.02 "$LAB_IP_B" >/dev/null 2>&1 &
	run xdpl_b stats veth0 -i 0.3 -c 2 --json
	wait
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | wc -l)" -eq 2 ]
	echo "$output" | jq -e -s 'map(.programs[] | select(.name == "drop") | .packets_delta.XDP_DROP) | add > 0'
	echo "$output" | jq -e -s '.[0].programs[0].pps.XDP_PASS > 0'
	run xdpl_b stats veth0 -i 0.1 -c 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"drop"*"XDP_DROP"* ]]
	run xdpl_b stats veth0 -i 0
	[ "$status" -eq 2 ]
}

@test "linked: clean removes the state of a chain whose namespace is gone" {
	lk drop
	dir=$(pin_dir_b)
	[ -n "$dir" ]
	[ -d "$dir" ]
	key=$(basename "$dir")
	[ -d "/run/xdpload/$key" ]
	# nothing to clean while it runs
	"$XDPLOAD" clean
	[ -d "$dir" ]
	lab_down
	"$XDPLOAD" clean
	[ ! -e "$dir" ]
	[ ! -e "/run/xdpload/$key" ]
}

@test "linked: maps pinned by name (-p) stay the same map across rebuilds" {
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	pins="/sys/fs/bpf/xdpl-test-$LAB_ID"
	mkdir "$pins"
	# the bpffs is visible here: enter only B's network namespace
	nsb() { nsenter --net="/run/netns/$LAB_B" "$XDPLOAD" "$@"; }
	nsb load -m skb --dispatcher linked -p "$pins" veth0 "$LP/linked_pinned.o"
	id=$(bpftool -j map show pinned "$pins/lk_pinned_cnt" | jq .id)
	on_a ping -q -c 3 -i 0.01 "$LAB_IP_B" >/dev/null
	nsb load -m skb --dispatcher linked veth0 pass
	on_a ping -q -c 2 -i 0.01 "$LAB_IP_B" >/dev/null
	[ "$(bpftool -j map show pinned "$pins/lk_pinned_cnt" | jq .id)" = "$id" ]
	[ "$(bpftool -j map lookup pinned "$pins/lk_pinned_cnt" key 0 0 0 0 | jq .formatted.value)" -eq 5 ]
	nsb unload veth0 --all
	rm -rf "$pins"
}

@test "linked: a program loaded again starts from zero counters" {
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	lk count drop
	ping_none 3
	[ "$(pkts_b drop XDP_DROP)" -eq 3 ]
	xdpl_b unload veth0 -n drop
	lk drop
	[ "$(pkts_b drop XDP_DROP)" -eq 0 ]
	[ "$(pkts_b count XDP_PASS)" -eq 3 ]
	ping_none 2
	[ "$(pkts_b drop XDP_DROP)" -eq 2 ]
}

@test "linked: a damaged manifest is reported, and clean removes it" {
	lk drop
	dir=$(pin_dir_b)
	key=$(basename "$dir")
	echo garbage >"/run/xdpload/$key/manifest"
	run xdpl_b status veth0
	[ "$status" -ne 0 ]
	[[ "$output" == *"damaged"*"xdpload clean veth0"* ]]
	run xdpl_b load -m skb --dispatcher linked veth0 pass
	[ "$status" -ne 0 ]
	[[ "$output" == *"damaged"* ]]
	run xdpl_b unload veth0 --all
	[ "$status" -ne 0 ]
	run xdpl_b clean veth0
	[ "$status" -eq 0 ]
	[[ "$output" == *"unload veth0 --all --force"* ]]
	[ ! -e "$dir" ]
	# the chain itself is still attached, as a program xdpload no longer knows
	run lk pass
	[ "$status" -eq 9 ]
	xdpl_b unload veth0 --all --force
	[ "$(xdp_id_b)" = 0 ]
	lk pass
	ping_ok 2
}

@test "linked: 64 programs chain, a 65th is refused and changes nothing" {
	lk $(for i in $(seq 63); do echo pass; done) drop
	[ "$(xdpl_b status veth0 --json | jq '.[0].programs | length')" = 64 ]
	ping_none 2
	run lk pass
	[ "$status" -eq 8 ]
	[[ "$output" == *"64"* ]]
	[ "$(xdpl_b status veth0 --json | jq '.[0].programs | length')" = 64 ]
}

@test "linked: bytes per program and action, as count counts them, kept through a rebuild" {
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	lk count "$LP/linked_drop_icmp.o" pass
	on_a ping -c 3 -i 0.2 -W 1 "$LAB_IP_B" >/dev/null || true
	on_a bash -c "printf 0123456789 > /dev/udp/$LAB_IP_B/5000"
	st=$(xdpl_b status veth0 --json)
	echo "$st" | jq -c '.[0].programs[] | {name, packets, bytes}'
	# three 98-byte echo requests dropped, one 52-byte datagram passed
	[ "$(jq '.[0].programs[] | select(.name == "lk_drop_icmp") | .bytes.XDP_DROP' <<<"$st")" -eq 294 ]
	[ "$(jq '.[0].programs[] | select(.name == "lk_drop_icmp") | .bytes.XDP_PASS' <<<"$st")" -eq 52 ]
	[ "$(jq '.[0].programs[] | select(.name == "pass") | .bytes.XDP_PASS' <<<"$st")" -eq 52 ]
	[ "$(jq '.[0].programs[] | select(.name == "count") | .bytes.XDP_PASS' <<<"$st")" -eq 346 ]
	# a rebuild keeps them, and a program added later starts from zero bytes
	lk -P 95 drop
	on_a bash -c "printf 0123456789 > /dev/udp/$LAB_IP_B/5000"
	st=$(xdpl_b status veth0 --json)
	[ "$(jq '.[0].programs[] | select(.name == "count") | .bytes.XDP_PASS' <<<"$st")" -eq 398 ]
	[ "$(jq '.[0].programs[] | select(.name == "drop") | .bytes.XDP_DROP' <<<"$st")" -eq 52 ]
	# stats: totals and per-interval deltas of bytes
	xdpl_b stats veth0 -c 1 -i 0.2 --json | jq -e '.programs[] | select(.name == "count") |
		.bytes.XDP_PASS == 398 and .bytes_delta.XDP_PASS == 0'
}
