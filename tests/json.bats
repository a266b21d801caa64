#!/usr/bin/env bats
# One JSON schema for every command (doc/json-schema.json, xdpload(8) JSON OUTPUT):
# each command's --json output, and its errors, checked against it with jq.

load lib/common
load lib/schema

PKTGEN="python3 $BATS_TEST_DIRNAME/lib/pktgen.py"

@test "the schema is JSON, and the checker finds what breaks it" {
	jq -e '.version == 1 and (."$defs" | has("status") and has("stats_report") and has("error"))' "$SCHEMA"
	echo '[{"interface": "x", "ifindex": 1}]' | { ! conforms status; }
	echo '{"error": "e", "kind": "usage", "exit_code": 2, "errno": ""}' | conforms error
	echo '{"error": "e", "kind": "frob", "exit_code": 2.5, "errno": ""}' | { ! conforms error; }
}

@test "filter list, status, poll, policy and neigh --json follow the schema" {
	xdpl_b load -m skb veth0 filter --set "j${LAB_ID//[^a-z0-9]/}"
	xdpl_b filter veth0 port 5353 -p udp -m src,dst
	xdpl_b filter veth0 ip 10.0.0.0/8
	xdpl_b filter veth0 ether 02:00:00:00:00:09 -m src
	xdpl_b filter veth0 rule src 10.0.0.0/8 proto udp dport 53-54
	ping_ok 2
	xdpl_b filter veth0 list --json | conforms filter_list
	[ "$(xdpl_b filter veth0 list --json | jq '.combined | length')" -eq 1 ]
	xdpl_b filter veth0 status --json | conforms filter_status
	xdpl_b filter veth0 poll -i 100 -c 2 --json | conforms filter_poll
	xdpl_b filter veth0 neigh --json | conforms filter_neigh
	xdpl_b filter veth0 policy --json | conforms filter_policy
	run xdpl_b filter veth0 flush --json
	[ "$status" -eq 2 ]
	conforms error <<<"$output"
	xdpl_b unload veth0 --all
}

@test "status, progs, filter, ratelimit, stats, watch and test --json follow the schema" {
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	xdpl_b load -m skb veth0 count filter ratelimit watch
	xdpl_b filter veth0 port add 5353 --udp
	ping_ok 3
	xdpl_b status --json | conforms status
	xdpl_b status veth0 --json | conforms status
	# the interface is "interface" everywhere, counters and bytes as documented
	[ "$(xdpl_b status veth0 --json | jq -r '.[0] | [.interface, .counters] | join(" ")')" = "veth0 dispatcher" ]
	[ "$(xdpl_b status veth0 --json | jq '.[0].programs[0].bytes.XDP_PASS > 0')" = true ]
	"$XDPLOAD" progs --json | conforms progs
	xdpl_b filter veth0 list --json | conforms filter_list
	xdpl_b filter veth0 policy --json | conforms filter_policy
	xdpl_b ratelimit veth0 --json | conforms ratelimit
	# a change under --json prints what is in force now
	run xdpl_b ratelimit veth0 set --rate 500 --json
	[ "$status" -eq 0 ]
	conforms ratelimit <<<"$output"
	[ "$(jq .rate_pps <<<"$output")" = 500 ]
	on_a ping -q -c 30 -i 0.02 "$LAB_IP_B" >/dev/null 2>&1 &
	run xdpl_b stats veth0 -i 0.2 -c 3 --json
	wait
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	printf '%s\n' "${lines[@]}" | conforms stats_report
	# times in ns: each report's time differs, intervals close to 0.2 s
	[ "$(printf '%s\n' "${lines[@]}" | jq -s '[.[].time_ns] | unique | length')" = 3 ]
	printf '%s\n' "${lines[@]}" | jq -e -s 'all(.[]; .interval_ns > 150000000 and .interval_ns < 1000000000)'
	# totals and deltas apart: the delta never exceeds the total
	printf '%s\n' "${lines[@]}" | jq -e -s \
		'all(.[].programs[] | select(.packets); .packets_delta.XDP_PASS <= .packets.XDP_PASS)'
	ip netns exec "$LAB_B" timeout --preserve-status -s INT 2 "$XDPLOAD" watch veth0 --json \
		>"$BATS_TEST_TMPDIR/ev" &
	sleep 0.5
	ping_ok 2
	wait
	[ -s "$BATS_TEST_TMPDIR/ev" ]
	conforms watch_event <"$BATS_TEST_TMPDIR/ev"
	# trace: packet records and its summary line
	ip netns exec "$LAB_B" timeout 5 "$XDPLOAD" trace veth0 --proto icmp -c 2 --json \
		>"$BATS_TEST_TMPDIR/tr" &
	sleep 0.5
	ping_ok 3
	wait
	[ "$(jq -s '[.[] | select(.packet)] | length' "$BATS_TEST_TMPDIR/tr")" = 2 ]
	jq -e -s 'map(select(.shown)) | length == 1' "$BATS_TEST_TMPDIR/tr"
	conforms trace <"$BATS_TEST_TMPDIR/tr"
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].traced')" = false ]
	$PKTGEN write "$BATS_TEST_TMPDIR/in.pcap" icmp udp,dport=5353 arp tcp icmp6 raw
	xdpl_b test --iface veth0 --pcap "$BATS_TEST_TMPDIR/in.pcap" --json | conforms test
	"$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.pcap" count drop --json | conforms test
	run "$XDPLOAD" test --pcap "$BATS_TEST_TMPDIR/in.pcap" count --expect drop --json
	[ "$status" -eq 11 ]
	conforms test <<<"$output"
}

@test "status --all-netns: the labs' namespaces from the host, text and JSON" {
	xdpl_b load -m skb veth0 count
	run "$XDPLOAD" status --all-netns --json
	[ "$status" -eq 0 ]
	conforms status <<<"$output"
	# B's veth0 is seen from here, with its namespace named, and A's too
	[ "$(jq -r --arg b "$LAB_B" '.[] | select(.netns.name == $b and .interface == "veth0") | .programs[0].name' <<<"$output")" = count ]
	[ "$(jq -r --arg a "$LAB_A" '[.[] | select(.netns.name == $a and .interface == "veth0")] | length' <<<"$output")" = 1 ]
	# each namespace once, ours marked
	[ "$(jq '[.[] | .netns.inode] | unique | length' <<<"$output")" = "$(jq '[.[] | .netns | select(.) | .inode] | unique | length' <<<"$output")" ]
	[ "$(jq '[.[] | select(.netns.current)] | length > 0' <<<"$output")" = true ]
	run "$XDPLOAD" status --all-netns
	[ "$status" -eq 0 ]
	[[ "$output" == *"netns $LAB_B (inode "* ]]
	run "$XDPLOAD" status --all-netns veth0
	[ "$status" -eq 2 ]
}

@test "errors under --json follow the schema, for every command" {
	for c in $("$XDPLOAD" help --synopsis | awk 'NR > 1 { print $2 }'); do
		run ip netns exec "$LAB_B" "$XDPLOAD" "$c" --frob --json
		conforms error <<<"$output"
	done
	for args in "stats veth0" "watch veth0" "trace veth0" "ratelimit veth0" "filter veth0 list" \
		"status nosuch0" "test --iface veth0 --pcap /dev/null" "test --pcap /nonexistent drop"; do
		# shellcheck disable=SC2086
		run ip netns exec "$LAB_B" "$XDPLOAD" $args --json
		echo "$args -> $status: $output"
		[ "$status" -ne 0 ]
		conforms error <<<"$output"
	done
}
