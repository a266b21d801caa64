#!/usr/bin/env bats
# xdpload test: dry runs of a chain over recorded packets (BPF_PROG_TEST_RUN, nothing
# attached). The packets come from tests/lib/pktgen.py; the same packets sent live
# from A to B through the same chain must get the same verdicts.

load lib/common

PKTGEN="python3 $BATS_TEST_DIRNAME/lib/pktgen.py"
ECHO_TX="$TEST_PROGS/test_echo_tx.o"

# The frames most tests use, one per line of output (index: what it is).
mix()
{
	$PKTGEN write "$1" icmp udp,dport=5353 udp,dport=7,len=12 tcp,dport=22,flags=S arp icmp6 \
		udp,dport=5353,vlan=10 udp,src=198.51.100.7,dport=9 raw,etype=0x88b5
}

@test "each packet: the programs that ran, what each returned, the one that decided" {
	mix "$BATS_TEST_TMPDIR/in.pcap"
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.pcap" count filter drop
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "#1 icmp 192.0.2.1 > 192.0.2.2 type 8 code 0, 50 bytes: count pass, filter pass, drop drop => XDP_DROP by drop" ]]
	[[ "$output" == *"#5 arp request 192.0.2.1 > 192.0.2.2, 42 bytes:"* ]]
	[[ "$output" == *"#6 icmp6 2001:db8::1 > 2001:db8::2 type 128 code 0,"* ]]
	[[ "$output" == *"#7 vlan 10 udp 192.0.2.1:40000 > 192.0.2.2:5353,"* ]]
	[[ "$output" == *"9 packets: XDP_DROP 9"* ]]
	echo "$output" | grep -E '^  drop +9 +0 +9 +0 +0 +0 +9$'
	echo "$output" | grep -E '^  count +9 +0 +0 +9 +0 +0 +0$'
	# JSON: the same record, per packet and per program
	"$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.pcap" count filter drop --json >"$BATS_TEST_TMPDIR/out.json"
	j="$BATS_TEST_TMPDIR/out.json"
	[ "$(jq -r '.packets[0].programs | map(.name + ":" + .action) | join(" ")' "$j")" = \
		"count:XDP_PASS filter:XDP_PASS drop:XDP_DROP" ]
	[ "$(jq -r '[.packets[].decided_by] | unique | join(",")' "$j")" = drop ]
	[ "$(jq -r '.packets[2].headers | [.proto, .dport, .src] | join(" ")' "$j")" = "udp 7 192.0.2.1" ]
	[ "$(jq -r '.packets[5].headers.proto' "$j")" = icmp6 ]
	[ "$(jq -r '.packets[6].headers.vlan_ids[0]' "$j")" = 10 ]
	[ "$(jq -r '.packets[4].headers | [.l3, .arp_op] | join(" ")' "$j")" = "arp request" ]
	[ "$(jq -r '.programs[] | select(.name == "drop") | .decided' "$j")" = 9 ]
	[ "$(jq -r '.verdicts.XDP_DROP' "$j")" = 9 ]
	[ "$(jq -r '.packet_count' "$j")" = 9 ]
	# the end of the chain decides when every program chains on
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.pcap" -q count pass --json
	[ "$(jq -r '.end_of_chain' <<<"$output")" = 9 ]
	[ "$(jq -r '.verdicts.XDP_PASS' <<<"$output")" = 9 ]
	[ "$(jq 'has("packets")' <<<"$output")" = false ]
	# nothing was attached anywhere
	[ "$(xdp_id_b)" = 0 ]
}

@test "a program's rewrite and new length reach --out-tx; --out-pass and --out-drop get theirs" {
	mix "$BATS_TEST_TMPDIR/in.pcap"
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.pcap" -A XDP_PASS "$ECHO_TX" \
		--out-tx "$BATS_TEST_TMPDIR/tx.pcap" --out-pass "$BATS_TEST_TMPDIR/pass.pcap" \
		--out-drop "$BATS_TEST_TMPDIR/drop.pcap"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"#3 udp 192.0.2.1:40000 > 192.0.2.2:7, 54 bytes: echo_tx tx => XDP_TX by echo_tx, rewritten (52 bytes)"* ]]
	mapfile -t tx < <($PKTGEN read "$BATS_TEST_TMPDIR/tx.pcap")
	mapfile -t orig < <($PKTGEN read "$BATS_TEST_TMPDIR/in.pcap")
	[ "${#tx[@]}" -eq 1 ]
	# MACs swapped, first payload byte 0xee, two bytes shorter
	[ "${tx[0]%% *}" = 52 ]
	[[ "${tx[0]#* }" == 020000000001020000000002* ]]
	[ "${tx[0]:$((3 + 42 * 2)):2}" = ee ]
	[ "$($PKTGEN read "$BATS_TEST_TMPDIR/pass.pcap" | wc -l)" -eq 8 ]
	# the passed packets are the input's, unchanged, in order
	diff <($PKTGEN read "$BATS_TEST_TMPDIR/pass.pcap") <(printf '%s\n' "${orig[@]}" | sed 3d)
	[ "$($PKTGEN read "$BATS_TEST_TMPDIR/drop.pcap" | wc -l)" -eq 0 ]
	# dropped packets are written as they came
	"$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.pcap" -q drop --out-drop "$BATS_TEST_TMPDIR/drop.pcap"
	diff <($PKTGEN read "$BATS_TEST_TMPDIR/drop.pcap") <(printf '%s\n' "${orig[@]}")
}

@test "expectations: --expect and --expect-file pass, or fail with exit 11 naming the packets" {
	mix "$BATS_TEST_TMPDIR/in.pcap"
	in="$BATS_TEST_TMPDIR/in.pcap"
	run "$XDPLOAD" test --pcap "$in" -q count drop --expect drop
	[ "$status" -eq 0 ]
	[[ "$output" == *"expectations: 9 checked, 0 failed"* ]]
	run "$XDPLOAD" test --pcap "$in" -q count "$ECHO_TX" --expect XDP_PASS
	echo "$output"
	[ "$status" -eq 11 ]
	[[ "$output" == *"#3: expected XDP_PASS, got XDP_TX by echo_tx"* ]]
	[[ "$output" == *"1 of 9 packets did not get the verdict expected"* ]]
	cat >"$BATS_TEST_TMPDIR/expect" <<'EOF'
# packet 1, 2: passed by the end of the chain
pass -
XDP_PASS -
tx echo_tx      # packet 3
9 pass
EOF
	run "$XDPLOAD" test --pcap "$in" -q count "$ECHO_TX" --expect-file "$BATS_TEST_TMPDIR/expect"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"expectations: 4 checked, 0 failed"* ]]
	# the wrong program, the wrong verdict, and a packet the input does not have
	printf 'pass\ntx count\n3 drop\n' >"$BATS_TEST_TMPDIR/expect"
	run "$XDPLOAD" test --pcap "$in" count "$ECHO_TX" --expect-file "$BATS_TEST_TMPDIR/expect" --json
	echo "$output"
	[ "$status" -eq 11 ]
	[ "$(jq -r .exit_code <<<"$output")" = 11 ]
	[ "$(jq -r .kind <<<"$output")" = expectation ]
	[ "$(jq -c '[.expectations.failures[].packet]' <<<"$output")" = "[2,3]" ]
	[[ "$(jq -r '.expectations.failures[0].message' <<<"$output")" == "expected XDP_TX by count, got XDP_PASS by the end of the chain" ]]
	# one JSON document on stdout, with the packets
	[ "$(jq -s length <<<"$output")" = 1 ]
	[ "$(jq '.packets | length' <<<"$output")" = 9 ]
	printf '12 drop\n' >"$BATS_TEST_TMPDIR/expect"
	run "$XDPLOAD" test --pcap "$in" -q drop --expect-file "$BATS_TEST_TMPDIR/expect"
	[ "$status" -eq 11 ]
	[[ "$output" == *"name packets past the last one (9)"* ]]
	# a malformed file is a usage error, with its line
	printf 'pass\nfrobnicate\n' >"$BATS_TEST_TMPDIR/expect"
	run "$XDPLOAD" test --pcap "$in" drop --expect-file "$BATS_TEST_TMPDIR/expect"
	[ "$status" -eq 2 ]
	[[ "$output" == *"expect:2: bad verdict 'frobnicate'"* ]]
	run "$XDPLOAD" test --pcap "$in" drop --expect frob
	[ "$status" -eq 2 ]
	run "$XDPLOAD" test --pcap "$in" drop --expect drop --expect-file "$BATS_TEST_TMPDIR/expect"
	[ "$status" -eq 2 ]
}

@test "hex input: comments, offsets, standard input; bad input and runts" {
	$PKTGEN hex icmp udp,dport=7 >"$BATS_TEST_TMPDIR/in.hex"
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.hex" pass --json -q
	[ "$status" -eq 0 ]
	[ "$(jq -r .input.format <<<"$output")" = hex ]
	[ "$(jq -r .packet_count <<<"$output")" = 2 ]
	# tcpdump -xx style, from standard input
	run bash -c "printf '0x0000:  0200 0000 0002 0200 0000 0001 88b5\n0x0010: 0102\n\n0102\n' |
		'$XDPLOAD' test drop"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "#1 ether 0x88b5 02:00:00:00:00:01 > 02:00:00:00:00:02, 16 bytes: drop drop => XDP_DROP by drop" ]]
	[[ "${lines[1]}" == "#2 runt frame, 2 bytes: not run (shorter than an Ethernet header)" ]]
	[[ "$output" == *"2 packets: XDP_DROP 1, not run 1"* ]]
	run bash -c "printf '0200 zz\n' | '$XDPLOAD' test drop"
	[ "$status" -eq 2 ]
	[[ "$output" == *"standard input:1: 'zz' is not hex"* ]]
	run bash -c "printf '020\n' | '$XDPLOAD' test drop"
	[ "$status" -eq 2 ]
	[[ "$output" == *"odd number of hex digits"* ]]
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/nosuch.pcap" drop
	[ "$status" -eq 3 ]
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.hex" nosuchprog
	[ "$status" -eq 4 ]
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.hex"
	[ "$status" -eq 2 ]
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.hex" --iface veth0 drop
	[ "$status" -eq 2 ]
	# -c: only the first packets
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.hex" -c 1 -q pass --json
	[ "$(jq -r .packet_count <<<"$output")" = 1 ]
}

@test "-P and -A as load takes them; the bundled programs' options apply" {
	$PKTGEN write "$BATS_TEST_TMPDIR/in.pcap" icmp icmp icmp
	# drop chaining on XDP_DROP: the end of the chain passes
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.pcap" -A XDP_DROP drop
	[[ "$output" == *"drop drop => XDP_PASS (end of chain)"* ]]
	# order by priority: -P applies to all, then names decide
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.pcap" -q -P 5 drop count --json
	[ "$(jq -r '[.programs[].name] | join(" ")' <<<"$output")" = "count drop" ]
	# ratelimit --rate 1 --burst 1: one packet of the source passes, the rest are dropped
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.pcap" ratelimit --rate 1 --burst 1
	echo "$output"
	[[ "$output" == *"3 packets: XDP_DROP 2, XDP_PASS 1"* ]]
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.pcap" drop --rate 5
	[ "$status" -eq 2 ]
}

# live_steps PCAP: send each frame of PCAP from A to B, one at a time, and print
# for each the programs whose counters moved on B, "name:ACTION ..." in run order.
live_steps()
{
	local dir=$BATS_TEST_TMPDIR/frames i n before after
	mkdir -p "$dir"
	n=$($PKTGEN read "$1" | wc -l)
	before=$(xdpl_b status veth0 --json | jq -c '.[0].programs')
	for ((i = 0; i < n; i++)); do
		python3 - "$1" "$dir/one.pcap" "$i" <<'EOF'
import sys, struct
d = open(sys.argv[1], "rb").read()
off, k, want = 24, 0, int(sys.argv[3])
while off < len(d):
    cap = struct.unpack("<IIII", d[off:off + 16])[2]
    if k == want:
        open(sys.argv[2], "wb").write(d[:24] + d[off:off + 16 + cap])
    off, k = off + 16 + cap, k + 1
EOF
		on_a $PKTGEN send veth0 "$dir/one.pcap"
		# the frame reaches B's XDP asynchronously: wait for the first program to count it
		for _ in $(seq 50); do
			after=$(xdpl_b status veth0 --json | jq -c '.[0].programs')
			[ "$(jq -n --argjson a "$after" --argjson b "$before" \
				'[$a[0].packets[]] | add > ([$b[0].packets[]] | add)')" = true ] && break
			sleep 0.05
		done
		jq -rn --argjson a "$after" --argjson b "$before" '
			[range($a | length) as $i | $a[$i] as $p | $b[$i] as $q |
			 ($p.packets | keys[]) as $k | select($p.packets[$k] > $q.packets[$k]) |
			 "\($p.name):\($k)"] | join(" ")'
		before=$after
	done
}

@test "--iface: the dry run gives the verdicts the same chain gives the same packets live" {
	# no IPv6 from A: its neighbour and router messages would count between our packets
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	xdpl_b load -m skb veth0 count filter "$ECHO_TX"
	xdpl_b filter veth0 port add 5353 --udp
	xdpl_b filter veth0 ip add 198.51.100.0/24 --src
	mix "$BATS_TEST_TMPDIR/in.pcap"
	disp=$(xdpl_b status veth0 --json | jq -c '[.[0].programs[].packets]')
	xdpl_b test --iface veth0 --pcap "$BATS_TEST_TMPDIR/in.pcap" --json >"$BATS_TEST_TMPDIR/dry.json"
	jq -r '.packets[] | .programs | map(.name + ":" + .action) | join(" ")' "$BATS_TEST_TMPDIR/dry.json" \
		>"$BATS_TEST_TMPDIR/dry"
	cat "$BATS_TEST_TMPDIR/dry"
	[ "$(jq -r .source "$BATS_TEST_TMPDIR/dry.json")" = linked ]
	# the live filter rules applied: UDP 5353 (also tagged) and 198.51.100.7 dropped by filter
	[ "$(jq -r '[.packets[] | select(.decided_by == "filter") | .packet] | join(",")' \
		"$BATS_TEST_TMPDIR/dry.json")" = "2,7,8" ]
	[ "$(jq -r '.packets[2] | .decided_by + " " + .verdict' "$BATS_TEST_TMPDIR/dry.json")" = "echo_tx XDP_TX" ]
	# a dry run does not count in the dispatcher's counters (only in the programs' own maps)
	[ "$(xdpl_b status veth0 --json | jq -c '[.[0].programs[].packets]')" = "$disp" ]
	live_steps "$BATS_TEST_TMPDIR/in.pcap" >"$BATS_TEST_TMPDIR/live"
	cat "$BATS_TEST_TMPDIR/live"
	diff "$BATS_TEST_TMPDIR/dry" "$BATS_TEST_TMPDIR/live"
}

@test "--iface with a single program attached without a dispatcher; nothing attached exits 10" {
	run xdpl_b test --iface veth0 --pcap /dev/null
	[ "$status" -eq 10 ]
	on_b ip link set dev veth0 xdpgeneric obj "$LAB_ROOT/build/progs/drop.o" sec xdp.frags
	$PKTGEN write "$BATS_TEST_TMPDIR/in.pcap" icmp udp
	run xdpl_b test --iface veth0 --pcap "$BATS_TEST_TMPDIR/in.pcap" --json
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r .source <<<"$output")" = legacy ]
	[ "$(jq -r '[.packets[].decided_by] | unique | join(",")' <<<"$output")" = drop ]
	run xdpl_b test --iface nosuch0 --pcap "$BATS_TEST_TMPDIR/in.pcap"
	[ "$status" -eq 5 ]
}

@test "a dry run of an object that pins maps by name pins nothing" {
	$PKTGEN hex icmp >"$BATS_TEST_TMPDIR/in.hex"
	[ ! -e /sys/fs/bpf/lk_pinned_cnt ]
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.hex" "$TEST_PROGS/linked_pinned.o" --json -q
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.verdicts.XDP_PASS' <<<"$output")" = 1 ]
	# nothing left on the bpffs: its map was the run's own
	[ ! -e /sys/fs/bpf/lk_pinned_cnt ]
}
