#!/usr/bin/env bats
# Loading, unloading and status of single programs, with real traffic deciding.

load lib/common

@test "drop on the receiver stops ping; unload brings it back" {
	ping_ok 3
	run xdpl_b load -m skb veth0 drop
	[ "$status" -eq 0 ]
	ping_none 3
	run xdpl_b unload veth0 --all
	[ "$status" -eq 0 ]
	[ "$(xdp_id_b)" = 0 ]
	ping_ok 3
}

@test "abort on the receiver stops ping" {
	xdpl_b load -m skb veth0 abort
	ping_none 3
}

@test "pass lets ping through" {
	xdpl_b load -m skb veth0 pass
	[ "$(xdp_id_b)" != 0 ]
	ping_ok 3
}

@test "count counts exactly the packets sent" {
	# No IPv6 on the sender: its router solicitations and MLD reports would be counted too.
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	xdpl_b load -m skb veth0 count
	id=$(status_id_b count)
	map=$(bpftool -j prog show id "$id" | jq '.map_ids[0]')
	[ "$(map_sum "$map" packets)" -eq 0 ]
	on_a ping -q -c 7 -i 0.01 "$LAB_IP_B" >/dev/null
	[ "$(map_sum "$map" packets)" -eq 7 ]
	# 7 echo requests of 98 bytes (Ethernet 14 + IPv4 20 + ICMP 8 + 56 data).
	[ "$(map_sum "$map" bytes)" -eq $((7 * 98)) ]
}

@test "a file's program selected by section or by name" {
	xdpl_b load -m skb -s xdp.frags veth0 "$TEST_PROGS/two_sections.o"
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].programs[0].name')" = sec_drop ]
	ping_none 2
	xdpl_b unload veth0 --all
	xdpl_b load -m skb -n sec_pass veth0 "$TEST_PROGS/two_sections.o"
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].programs[0].name')" = sec_pass ]
	ping_ok 2
}

# check_json_entry BACKEND: B's veth0 runs drop alone; status --json says so, as the kernel does.
check_json_entry()
{
	local backend=$1 kid entry pid

	run xdpl_b status --json
	[ "$status" -eq 0 ]
	echo "$output" | jq -e . >/dev/null
	kid=$(xdp_id_b)
	entry=$(echo "$output" | jq -c '.[] | select(.interface == "veth0")')
	[ "$(echo "$entry" | jq -r .backend)" = "$backend" ]
	[ "$(echo "$entry" | jq -r .mode)" = skb ]
	[ "$(echo "$entry" | jq -r .ifindex)" = "$(ip -n "$LAB_B" -j link show veth0 | jq .[0].ifindex)" ]
	[ "$(echo "$entry" | jq -r '.programs | length')" = 1 ]
	[ "$(echo "$entry" | jq -r .programs[0].name)" = drop ]
	pid=$(echo "$entry" | jq -r .programs[0].id)
	if [ "$backend" = legacy ]; then
		[ "$pid" = "$kid" ]
		[ "$(echo "$entry" | jq -r .dispatcher_id)" = 0 ]
	else
		# the dispatcher is what the kernel runs; the program is its own verified copy
		[ "$(echo "$entry" | jq -r .dispatcher_id)" = "$kid" ]
		[ "$pid" != "$kid" ]
	fi
	[ "$(echo "$entry" | jq -r .programs[0].tag)" = "$(bpftool -j prog show id "$pid" | jq -r .tag)" ]
	[ "$(bpftool -j prog show id "$pid" | jq -r .name)" = drop ]
	if [ "$backend" = legacy ]; then
		# alone on the interface no dispatcher reads them: none is invented
		[ "$(echo "$entry" | jq -r .programs[0].priority)" = null ]
		[ "$(echo "$entry" | jq -c .programs[0].chain_actions)" = '[]' ]
		[ "$(echo "$entry" | jq -r .dispatcher_tag)" = null ]
	else
		[ "$(echo "$entry" | jq -r .programs[0].priority)" = 90 ]
		[ "$(echo "$entry" | jq -c .programs[0].chain_actions)" = '["XDP_PASS"]' ]
		[ "$(echo "$entry" | jq -r .dispatcher_tag)" = "$(bpftool -j prog show id "$kid" | jq -r .tag)" ]
	fi
	[ "$(echo "$entry" | jq -r .link_id)" = null ]
	# lo has nothing attached and is listed with no programs
	[ "$(echo "$output" | jq -r '.[] | select(.interface == "lo") | .programs | length')" = 0 ]
}

@test "status --json matches what the kernel reports (default backend)" {
	xdpl_b load -m skb veth0 drop
	check_json_entry "$(xdpl_b status veth0 --json | jq -r '.[0].backend')"
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].backend')" != legacy ]
}

@test "status --json matches what the kernel reports (libxdp without a dispatcher)" {
	xdpl_b load -m skb --dispatcher libxdp veth0 drop
	backend=$(xdpl_b status veth0 --json | jq -r '.[0].backend')
	[ "$backend" = legacy ] || [ "$backend" = libxdp ]
	check_json_entry "$backend"
}

@test "status text keeps xdp-loader's columns" {
	xdpl_b load -m skb -P 33 -A XDP_PASS,drop veth0 pass
	run xdpl_b status veth0
	[ "$status" -eq 0 ]
	echo "$output" | grep -E '^Interface +Prio +Program name +Mode +ID +Tag +Chain actions$'
	# the interface line: the dispatcher the kernel runs, its mode and backend
	read -r ifn name mode id dtag backend <<<"$(echo "$output" | grep '^veth0')"
	[ "$ifn" = veth0 ] && [ "$name" = "$(bpftool -j prog show id "$id" | jq -r .name)" ] && [ "$mode" = skb ]
	[ "$id" = "$(xdp_id_b)" ]
	[ "$dtag" = "$(bpftool -j prog show id "$id" | jq -r .tag)" ]
	[ "$backend" = "[linked]" ] || [ "$backend" = "[libxdp]" ]
	# one line per program: prio, name, ID, tag, chain actions
	read -r arrow prio name pid tag actions <<<"$(echo "$output" | grep '^ => ')"
	[ "$prio" = 33 ] && [ "$name" = pass ] && [ "$actions" = XDP_DROP,XDP_PASS ]
	[ "$pid" = "$(status_id_b pass)" ]
	[ "$tag" = "$(bpftool -j prog show id "$pid" | jq -r .tag)" ]
}

@test "progs lists the bundled programs with their defaults" {
	run "$XDPLOAD" progs --json
	[ "$status" -eq 0 ]
	for p in drop abort pass count; do
		echo "$output" | jq -e --arg p "$p" '.[] | select(.name == $p) | .description | length > 0'
	done
	[ "$(echo "$output" | jq -r '.[] | select(.name == "count") | .priority')" = 10 ]
	[ "$(echo "$output" | jq -c '.[] | select(.name == "count") | .chain_actions')" = '["XDP_PASS"]' ]
	run "$XDPLOAD" progs
	echo "$output" | grep -E '^drop +90 +XDP_PASS +Drop every packet$'
}

@test "unload by ID and by name" {
	xdpl_b load -m skb veth0 drop
	id=$(xdp_id_b)
	run xdpl_b unload veth0 -i $((id + 100000))
	[ "$status" -eq 10 ]
	[ "$(xdp_id_b)" = "$id" ]
	xdpl_b unload veth0 -i "$id"
	[ "$(xdp_id_b)" = 0 ]
	xdpl_b load -m skb veth0 drop
	xdpl_b unload veth0 -n drop
	[ "$(xdp_id_b)" = 0 ]
}

@test "a program attached by another tool is not removed without --force" {
	ip -n "$LAB_B" link set dev veth0 xdpgeneric obj "$LAB_ROOT/build/progs/drop.o" sec xdp.frags
	id=$(xdp_id_b)
	[ "$id" != 0 ]
	run xdpl_b unload veth0 --all
	[ "$status" -eq 9 ]
	[[ "$output" == *"not attached by xdpload"*"--force"* ]]
	[ "$(xdp_id_b)" = "$id" ]
	run xdpl_b load -m skb veth0 pass
	[ "$status" -ne 0 ]
	[ "$(xdp_id_b)" = "$id" ]
	xdpl_b unload --force veth0 --all
	[ "$(xdp_id_b)" = 0 ]
}

@test "clean runs and keeps attached programs" {
	xdpl_b load -m skb veth0 drop
	id=$(xdp_id_b)
	run xdpl_b clean
	[ "$status" -eq 0 ]
	[ "$(xdp_id_b)" = "$id" ]
}
