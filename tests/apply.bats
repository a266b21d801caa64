#!/usr/bin/env bats
# Chains as code: apply a chain file, save what runs, check mode, all or nothing
# across interfaces, a settings-only change through the maps, a boot restore after
# the state is wiped, and malformed files refused with nothing changed.

load lib/common

ROOT="${BATS_TEST_DIRNAME}/.."
LP=${TEST_PROGS:-$LAB_ROOT/build/tests/progs}

setup()
{
	lab_up
	CF="$BATS_TEST_TMPDIR/chains.yaml"
}

# A second link between A and B: veth1 on both sides, for the multi-interface tests.
add_veth1()
{
	ip -n "$LAB_A" link add veth1 type veth peer name veth1 netns "$LAB_B" &&
		ip -n "$LAB_A" link set veth1 up && ip -n "$LAB_B" link set veth1 up
}

xdp_id_b1() { ip -n "$LAB_B" -j link show dev veth1 | jq -r '.[0].xdp.prog.id // 0'; }
chain_b() { xdpl_b status "${1:-veth0}" --json | jq -r '[.[0].programs[].name] | join(" ")'; }
ids_b() { xdpl_b status "${1:-veth0}" --json | jq -r '[.[0].programs[].id] | join(" ")'; }
# Everything xdpload keeps for B's interfaces, to show that nothing changed.
state_b()
{
	for i in veth0 veth1; do
		xdpl_b status "$i" --json 2>/dev/null | jq -c '.[0] | [.dispatcher_id, [.programs[].id]]'
	done
	# B's state directories and what is in them (other labs may run alongside)
	local ino d
	ino=$(stat -L -c %i "/run/netns/$LAB_B")
	for d in /run/xdpload/*/; do
		[ "$(cat "$d/netns" 2>/dev/null)" != "$ino" ] || echo "$(basename "$d"): $(ls "$d" | tr '\n' ' ')"
	done
}

# The file of the tests: a filter dropping A's address (policy allow: rules drop), a
# ratelimit, a count.
write_file()
{
	cat >"$CF" <<EOF
# B's chain
version: 1
interfaces:
  veth0:
    mode: skb
    programs:
      - program: filter
        priority: 10
        filter:
          policy: allow
          rules:
            - ip: ${1:-$LAB_IP_A}
              dir: src
            - port: 22
              proto: tcp
      - program: ratelimit
        ratelimit: {rate: ${2:-5000}, burst: 100}
      - count
EOF
}

@test "apply: builds the chain with its rules and settings; applying again swaps nothing" {
	write_file
	run xdpl_b apply "$CF"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"veth0: add filter"* ]]
	[ "$(chain_b)" = "count filter ratelimit" ]
	ping_none 3
	[ "$(xdpl_b filter veth0 list --json | jq -r '[.rules[].rule] | join(" ")')" = "$LAB_IP_A/32 22/tcp" ]
	[ "$(xdpl_b ratelimit veth0 --json | jq -r .rate_pps)" = 5000 ]
	disp=$(xdp_id_b)
	ids=$(ids_b)
	# again: nothing to say, nothing swapped, the same programs
	run xdpl_b apply "$CF"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(xdp_id_b)" = "$disp" ]
	[ "$(ids_b)" = "$ids" ]
	run xdpl_b apply --json "$CF"
	[ "$(jq -r .changed <<<"$output")" = false ]
}

@test "apply: a rules-only change goes through the maps, the dispatcher's ID stays" {
	write_file
	xdpl_b apply "$CF"
	disp=$(xdp_id_b)
	ping_none 2
	write_file 198.51.100.0/24 700
	run xdpl_b apply --diff "$CF"
	echo "$output"
	[ "$status" -eq 12 ]
	[[ "$output" == *"filter: add ip src 198.51.100.0/24"* ]]
	[[ "$output" == *"filter: delete ip src $LAB_IP_A/32"* ]]
	[[ "$output" == *"ratelimit: rate 5000 -> 700"* ]]
	# --diff changed nothing
	ping_none 2
	run xdpl_b apply --json "$CF"
	[ "$status" -eq 0 ]
	[ "$(jq -r .changed <<<"$output")" = true ]
	[ "$(xdp_id_b)" = "$disp" ]
	ping_ok 3
	[ "$(xdpl_b ratelimit veth0 --json | jq -r .rate_pps)" = 700 ]
	# a program goes and rules change in one apply: each setting reaches its program
	ids=$(ids_b)
	write_file "$LAB_IP_A" 800
	sed -i '/- count/d' "$CF"
	xdpl_b apply "$CF"
	[ "$(chain_b)" = "filter ratelimit" ]
	[ "$(ids_b)" = "${ids#* }" ]
	ping_none 2
	[ "$(xdpl_b ratelimit veth0 --json | jq -r .rate_pps)" = 800 ]
}

@test "apply --check: exit 12 while changes are pending, 0 once none are; changes nothing" {
	write_file
	before=$(state_b)
	run xdpl_b apply --check "$CF"
	[ "$status" -eq 12 ]
	[ -z "$output" ]
	run xdpl_b apply --check --json "$CF"
	[ "$status" -eq 12 ]
	[ "$(jq -r '.interfaces[0].changes | length' <<<"$output")" = 3 ]
	[ "$(xdp_id_b)" = 0 ]
	[ "$(state_b)" = "$before" ]
	xdpl_b apply "$CF"
	run xdpl_b apply --check "$CF"
	[ "$status" -eq 0 ]
	# a program loaded by hand is a pending change too (it would be removed)
	xdpl_b load veth0 drop
	run xdpl_b apply --diff "$CF"
	[ "$status" -eq 12 ]
	[[ "$output" == *"remove drop"* ]]
	run xdpl_b apply --check --diff "$CF"
	[ "$status" -eq 2 ]
}

@test "save | apply: the same chain; untouched programs keep their IDs" {
	xdpl_b load -m skb veth0 count
	xdpl_b load -m skb -P 20 veth0 filter ratelimit --rate 300 --burst 30
	xdpl_b load -m skb -P 80 -A XDP_PASS,XDP_DROP veth0 "$LP/linked_pass.o"
	xdpl_b filter veth0 ip add 198.51.100.0/24
	xdpl_b filter veth0 port add 53 --udp
	xdpl_b filter veth0 ether add 02:00:00:00:00:09 --dst
	xdpl_b filter veth0 policy allow
	run xdpl_b save veth0
	[ "$status" -eq 0 ]
	echo "$output" >"$CF"
	cat "$CF"
	disp=$(xdp_id_b)
	ids=$(ids_b)
	run xdpl_b apply --check "$CF"
	[ "$status" -eq 0 ]
	# the chain goes; applying the saved file brings it back, rules and settings too
	xdpl_b unload veth0 --all
	xdpl_b apply "$CF"
	[ "$(chain_b)" = "count filter ratelimit lk_pass" ]
	[ "$(xdpl_b save veth0)" = "$(cat "$CF")" ]
	# one program changed in the file: the others stay, with their IDs
	ids=$(ids_b)
	sed -i 's/priority: 80/priority: 85/' "$CF"
	xdpl_b apply "$CF"
	new=$(ids_b)
	[ "${new% *}" = "${ids% *}" ]
	[ "${new##* }" != "${ids##* }" ]
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].programs[3].priority')" = 85 ]
	# save of every interface names this one; --json wraps the text
	xdpl_b save | grep -q '^  veth0:$'
	[ "$(xdpl_b save --json veth0 | jq -r .chainfile)" = "$(xdpl_b save veth0)" ]
}

@test "save names a program xdpload did not attach; apply leaves it, replaces it only with --force" {
	on_b ip link set dev veth0 xdpgeneric obj "$LP/linked_pass.o" sec xdp
	id=$(xdp_id_b)
	run xdpl_b save veth0
	echo "$output"
	[[ "$output" == *"foreign: true"* ]]
	[[ "$output" == *"id $id"* ]]
	echo "$output" >"$CF"
	run xdpl_b apply "$CF"
	[ "$status" -eq 0 ]
	[ "$(xdp_id_b)" = "$id" ]
	write_file
	run xdpl_b apply "$CF"
	[ "$status" -eq 9 ]
	[ "$(xdp_id_b)" = "$id" ]
	xdpl_b apply --force "$CF"
	[ "$(chain_b)" = "count filter ratelimit" ]
}

@test "apply is all or nothing: a program the verifier rejects on veth1 leaves veth0 as it was" {
	add_veth1
	xdpl_b load -m skb veth0 count
	xdpl_b load -m skb veth1 pass
	before=$(state_b)
	cat >"$CF" <<EOF
interfaces:
  veth0:
    programs: [count, drop]
  veth1:
    programs:
      - program: pass
      - program: $LP/bad_verifier.o
EOF
	run xdpl_b apply "$CF"
	echo "$output"
	[ "$status" -eq 6 ]
	[ "$(state_b)" = "$before" ]
	ping_ok 2
	# and a swap that fails on the second interface puts the first one back
	sed -i "s|$LP/bad_verifier.o|drop|" "$CF"
	run env XDPLOAD_FAIL=apply:swap:2 ip netns exec "$LAB_B" "$XDPLOAD" apply "$CF"
	echo "$output"
	[ "$status" -ne 0 ]
	[ "$(state_b)" = "$before" ]
	ping_ok 2
	# nothing staged is left behind
	! state_b | grep -q 'manifest\.'
	xdpl_b apply "$CF"
	[ "$(chain_b veth0)" = "count drop" ]
	[ "$(chain_b veth1)" = "pass drop" ]
	ping_none 2
	# programs: [] takes a chain away
	printf 'interfaces:\n  veth0:\n    programs: []\n  veth1:\n' >"$CF"
	xdpl_b apply "$CF"
	[ "$(xdp_id_b)" = 0 ]
	[ "$(xdp_id_b1)" = 0 ]
}

@test "backend: libxdp on a kernel that refuses freplace: a clear error, exit 8, nothing changed" {
	write_file
	xdpl_b apply "$CF"
	before=$(state_b)
	sed -i 's/^    mode: skb$/    mode: skb\n    backend: libxdp/' "$CF"
	grep -q 'backend: libxdp' "$CF"
	for opt in "" --check; do
		run xdpl_b apply $opt "$CF"
		echo "$output"
		[ "$status" -eq 8 ]
		[[ "$output" == *"chains.yaml:"*": veth0: backend: libxdp needs libxdp's dispatcher"* ]]
		[[ "$output" == *"refuses freplace (BPF_PROG_TYPE_EXT)"* ]]
		[[ "$output" == *"use backend: linked or auto"* ]]
		[ "$(state_b)" = "$before" ]
	done
	ping_none 3
	# and save still says what runs: a linked chain
	xdpl_b save veth0 | grep -q '^    backend: linked$'
}

@test "malformed files are refused with line and column, and change nothing" {
	write_file
	xdpl_b apply "$CF"
	before=$(state_b)
	bad() { # bad EXIT MESSAGE: the file refused with that exit code and message
		run xdpl_b apply "$CF"
		echo "$output"
		[ "$status" -eq "$1" ]
		[[ "$output" == *"$2"* ]]
		[ "$(state_b)" = "$before" ]
	}
	printf 'interfaces:\n  veth0:\n    programs: [count\n' >"$CF"
	bad 2 "chains.yaml:4:1: "
	printf 'interfaces:\n  veth0:\n    programs:\n      - program: cuont\n' >"$CF"
	bad 2 "chains.yaml:4:18: cuont: no such bundled program"
	printf 'interfaces:\n  veth0:\n    programs:\n      - program: count\n        prio: 5\n' >"$CF"
	bad 2 "chains.yaml:5:9: unknown field 'prio'"
	printf 'interfaces:\n  veth0:\n    programs:\n      - program: filter\n        filter:\n          rules:\n            - ip: 10.0.0.300\n' >"$CF"
	bad 2 "chains.yaml:7:19: '10.0.0.300' is not an IPv4 or IPv6 address"
	printf 'interfaces:\n  veth0:\n    programs:\n      - program: /nonexistent/x.o\n' >"$CF"
	bad 3 "/nonexistent/x.o: no such file"
	printf 'interfaces:\n  nosuch0:\n    programs: [count]\n' >"$CF"
	bad 5 "nosuch0"
	run xdpl_b apply "$BATS_TEST_TMPDIR/none.yaml"
	[ "$status" -eq 3 ]
}

@test "the example of xdpload-chainfile(5) parses (aliases too)" {
	sed -n '/^\.SH EXAMPLE/,/^\.fi/p' "$ROOT/man/xdpload-chainfile.5" | sed '1,2d;$d' >"$CF"
	grep -q 'eth1: \*edge' "$CF"
	# past the parse: the lab has no eth0
	run xdpl_b apply --check "$CF"
	echo "$output"
	[ "$status" -eq 5 ]
	[[ "$output" == *eth0* ]]
}

@test "boot: the unit's command restores chains, rules and settings after a wipe" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze missing"
	units="$BATS_TEST_TMPDIR/units"
	mkdir -p "$units" "$BATS_TEST_TMPDIR/etc"
	for u in xdpload.service xdpload@.service; do
		sed "s|@SBINDIR@|$LAB_ROOT/build|g" "$ROOT/systemd/$u.in" >"$units/$u"
	done
	cp "$units/xdpload@.service" "$units/xdpload@veth0.service"
	systemd-analyze verify --man=no "$units/xdpload.service" "$units/xdpload@veth0.service"
	write_file "$LAB_IP_A" 400
	cp "$CF" "$BATS_TEST_TMPDIR/etc/b.yaml"
	# the reboot: the hosts go, with their chains, and xdpload's state with them
	lab_down
	lab_up
	[ "$(xdp_id_b)" = 0 ]
	for u in xdpload.service xdpload@veth0.service; do
		cmd=$(sed -n 's/^ExecStart=//p' "$units/$u" | sed "s|/etc/xdpload|$BATS_TEST_TMPDIR/etc|; s|%I|veth0|")
		echo "$u: $cmd"
		# shellcheck disable=SC2086
		ip netns exec "$LAB_B" $cmd
		[ "$(chain_b)" = "count filter ratelimit" ]
		ping_none 2
		[ "$(xdpl_b ratelimit veth0 --json | jq -r .rate_pps)" = 400 ]
		xdpl_b unload veth0 --all
	done
}

@test "load of a name already in the chain warns and points to apply" {
	xdpl_b load -m skb veth0 count
	run xdpl_b load -m skb veth0 count
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning: veth0: a program named 'count' is in the chain already"*"xdpload apply"* ]]
	[ "$(chain_b)" = "count count" ]
	run xdpl_b load -m skb veth0 drop
	[[ "$output" != *warning* ]]
}

@test "save | apply keeps the filter's rules (src,dst, ports, MACs), policy, neigh switch and set" {
	local set="a${LAB_ID//[^a-z0-9]/}"
	add_veth1
	xdpl_b load -m skb veth0 count filter --set "$set"
	xdpl_b load -m skb veth1 filter --set "$set"
	xdpl_b filter veth0 ip 198.51.100.0/24 -m src,dst
	xdpl_b filter veth0 port 53 -p udp -m src
	xdpl_b filter veth0 port 22
	xdpl_b filter veth0 ether 02:00:00:00:00:09
	xdpl_b filter veth0 policy deny
	xdpl_b filter veth0 neigh off
	xdpl_b filter veth0 rule src 10.0.0.0/8 proto udp dport 53-54
	want=$(xdpl_b filter veth0 list --json | jq -c '[.policy, [.rules[] | [.kind, .dir, .rule]], [.combined[].rule]]')
	run xdpl_b save veth0
	[ "$status" -eq 0 ]
	echo "$output" >"$CF"
	cat "$CF"
	grep -q "set: $set" "$CF"
	grep -q "neigh: off" "$CF"
	grep -q "policy: deny" "$CF"
	grep -q 'rule: "src 10.0.0.0/8 proto udp dport 53-54"' "$CF"
	run xdpl_b apply --check "$CF"
	[ "$status" -eq 0 ]
	xdpl_b unload veth0 --all
	xdpl_b unload veth1 --all
	[ ! -e "/sys/fs/bpf/xdpload/sets/$set" ]
	xdpl_b apply "$CF"
	[ "$(chain_b)" = "count filter" ]
	[ "$(xdpl_b filter veth0 list --json | jq -c '[.policy, [.rules[] | [.kind, .dir, .rule]], [.combined[].rule]]')" = "$want" ]
	# a combined rule more in the file: --diff names it, apply adds it through the maps
	sed -i 's|^\(.*\)- rule: "src 10.0.0.0/8 proto udp dport 53-54"|&\n\1- rule: "vlan 7"|' "$CF"
	run xdpl_b apply --diff "$CF"
	[ "$status" -eq 12 ]
	[[ "$output" == *"filter: add rule vlan 7"* ]]
	xdpl_b apply "$CF"
	[ "$(xdpl_b filter veth0 list --json | jq -r '[.combined[].rule] | join(",")')" = "src 10.0.0.0/8 proto udp dport 53-54,vlan 7" ]
	[ "$(xdpl_b filter veth0 neigh)" = off ]
	[ "$(xdpl_b filter veth0 status --json | jq -r .set)" = "$set" ]
	run xdpl_b apply --check "$CF"
	[ "$status" -eq 0 ]
	xdpl_b unload veth0 --all
	[ ! -e "/sys/fs/bpf/xdpload/sets/$set" ]
}
