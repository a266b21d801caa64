#!/usr/bin/env bats
# Compatibility: programs of every shape users bring (any section name, maps
# pinned by name including a devmap, frags, tail calls, subprograms, global data,
# another license), written here or shipped by Debian's packages, each alone and
# chained (count -> X -> pass), skb and native, against the same program attached
# by iproute2: same verdicts (BPF_PROG_TEST_RUN), same traffic, same maps.

load lib/common
load lib/compat.bash

DEB_OBJS="/usr/lib/*-linux-gnu/bpf/*.o /usr/libexec/xdp-tools/*.o"
COUNTS=${COMPAT_COUNTS:-$LAB_ROOT/build/results/compat-counts.txt}

setup()
{
	lab_up
	compat_packets
	# no IPv6 chatter from the sender: counters count the pings alone
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	PIN_DIR=/sys/fs/bpf/xdpl-compat-$LAB_ID
	LINK_PIN=/sys/fs/bpf/xdpl-compat-link-$LAB_ID
}

teardown()
{
	rm -rf "$PIN_DIR" "$LINK_PIN" "${LINK_PIN}_prog"
	lab_down
}

# every program of each object, by name, in both modes: prints failures, counts
# "tried attached-by-iproute2 ok" per mode into the named variables' files
compat_objects()
{
	local f p m rc fails=0
	for f in "$@"; do
		for p in $("$XDPLOAD" help --prog-names "$f" 2>/dev/null); do
			for m in skb native; do
				echo "tried $m" >>"$BATS_TEST_TMPDIR/tally"
				rc=0
				compat_check "$f" -n "$p" "$m" || rc=$?
				[ "$rc" = 3 ] && continue
				echo "attached $m" >>"$BATS_TEST_TMPDIR/tally"
				if [ "$rc" = 0 ]; then
					echo "ok $m" >>"$BATS_TEST_TMPDIR/tally"
				else
					fails=$((fails + 1))
				fi
			done
		done
	done
	return "$fails"
}

tally() { grep -c "^$1 $2\$" "$BATS_TEST_TMPDIR/tally" || true; }

# The ID of program PROG's map named NAME.
prog_map_id()
{
	local m
	for m in $(bpftool -j prog show id "$1" | jq '.map_ids[]'); do
		[ "$(bpftool -j map show id "$m" | jq -r .name)" = "$2" ] && echo "$m"
	done
	return 0
}

@test "the walk-throughs' first commands: -s xdp_drop, -n, -s xdp_stats1, -s xdp_abort" {
	run xdpl_b load -m skb -s xdp_drop veth0 "$TEST_PROGS/compat_drop.o"
	[ "$status" -eq 0 ]
	ping_none 3
	xdpl_b unload veth0 --all
	run xdpl_b load -m skb -n xdp_drop_prog veth0 "$TEST_PROGS/compat_drop.o"
	[ "$status" -eq 0 ]
	ping_none 3
	xdpl_b unload veth0 --all
	# the object's only program, whatever its section; counts what it passes
	xdpl_b load -m skb -s xdp_stats1 veth0 "$TEST_PROGS/compat_stats.o"
	on_a ping -q -c 4 -i 0.01 "$LAB_IP_B" >/dev/null
	id=$(status_id_b xdp_stats1_func)
	map=$(bpftool -j prog show id "$id" | jq '.map_ids[0]')
	[ "$(bpftool -j map lookup id "$map" key 2 0 0 0 | jq '.formatted.value.rx_packets')" -eq 4 ]
	xdpl_b unload veth0 --all
	xdpl_b load -m skb -s xdp_abort veth0 "$TEST_PROGS/compat_sections.o"
	ping_none 3
	# several untyped programs and no -s or -n: say which there are
	xdpl_b unload veth0 --all
	run xdpl_b load -m skb veth0 "$TEST_PROGS/compat_sections.o"
	[ "$status" -eq 4 ]
	[[ "$output" == *"programs in it: xdp_pass_func, xdp_drop_func, xdp_abort_func"* ]]
}

@test "sections libbpf does not know: alone and chained, skb and native, as iproute2" {
	local s
	for s in xdp_pass xdp_drop xdp_abort xdp/pass; do
		for m in skb native; do
			compat_check "$TEST_PROGS/compat_sections.o" -s "$s" "$m"
		done
	done
	compat_check "$TEST_PROGS/compat_drop.o" -s xdp_drop native
	compat_check "$TEST_PROGS/compat_stats.o" -s xdp_stats1 skb
}

@test "tail calls, subprograms, global data, bpf_loop, non-GPL, frags, pinned maps: as iproute2" {
	compat_objects "$TEST_PROGS"/linked_{tail,subprogs,global,loop,nongpl,frags}.o \
		"$TEST_PROGS/compat_pinned.o"
	[ "$(tally attached skb)" -gt 0 ]
}

@test "every XDP object Debian's packages ship: alone and chained, skb and native, as iproute2" {
	local objs
	# shellcheck disable=SC2086
	objs=$(ls $DEB_OBJS 2>/dev/null) || skip "no XDP objects installed (xdp-tools, xdp-tests)"
	# shellcheck disable=SC2086
	compat_objects $objs
	mkdir -p "$(dirname "$COUNTS")"
	{
		echo "objects: $(wc -w <<<"$objs")"
		for m in skb native; do
			echo "$m: programs tried $(tally tried $m), attached by iproute2" \
				"$(tally attached $m), same through xdpload alone and chained $(tally ok $m)"
		done
	} | tee "$COUNTS"
	[ "$(tally attached skb)" -ge 15 ]
	[ "$(tally ok skb)" = "$(tally attached skb)" ]
	[ "$(tally ok native)" = "$(tally attached native)" ]
}

@test "maps pinned by name without -p: the chain's, shared by its programs, removed with it" {
	local p=$TEST_PROGS/compat_pinned.o ids key
	xdpl_b load -m skb -s xdp_redirect_map veth0 "$p"
	xdpl_b load -m skb -s xdp_redirect_map_b veth0 "$p"
	ids=$(xdpl_b status veth0 --json | jq -r '.[0].programs[].id')
	# both programs use the one map the chain pinned
	[ "$(for i in $ids; do prog_map_id "$i" compat_pin_cnt; done | sort -u | wc -l)" -eq 1 ]
	map=$(prog_map_id "$(head -1 <<<"$ids")" compat_pin_cnt)
	on_a ping -q -c 3 -i 0.01 "$LAB_IP_B" >/dev/null
	[ "$(bpftool -j map lookup id "$map" key 0 0 0 0 | jq '.formatted.value')" = 6 ]
	# nothing on the bpffs outside the chain's state; A's own chain has its own map
	[ ! -e /sys/fs/bpf/compat_pin_cnt ]
	ip netns exec "$LAB_A" "$XDPLOAD" load -m skb -s xdp_redirect_map veth0 "$p"
	a_id=$(ip netns exec "$LAB_A" "$XDPLOAD" status veth0 --json | jq '.[0].programs[0].id')
	[ "$(prog_map_id "$a_id" compat_pin_cnt)" != "$map" ]
	ip netns exec "$LAB_A" "$XDPLOAD" unload veth0 --all
	# rebuilds with the pinned devmap: a load and an unload, the count goes on
	xdpl_b load -m skb veth0 pass
	xdpl_b unload veth0 -n pass
	on_a ping -q -c 1 "$LAB_IP_B" >/dev/null
	[ "$(bpftool -j map lookup id "$map" key 0 0 0 0 | jq '.formatted.value')" = 8 ]
	key=$(xdpl_b status veth0 --json | jq -r '.[0] | "\(.ifindex)"')
	xdpl_b unload veth0 --all
	! ls /sys/fs/bpf/xdpload/*-"$key"/maps 2>/dev/null | grep -q compat_pin_cnt
	# the kernel frees a map after its last reference, a little later
	for _ in $(seq 50); do bpftool map show id "$map" >/dev/null 2>&1 || break; sleep 0.1; done
	run bpftool map show id "$map"
	[ "$status" -ne 0 ]
}

@test "a rejected program leaves the chain's pins as they were: its own go, shared ones stay" {
	local maps chain before
	xdpl_b load -m skb veth0 count
	maps=/sys/fs/bpf/xdpload/$(state_key_b)/maps
	[ ! -e "$maps" ]
	run xdpl_b load -m skb veth0 "$TEST_PROGS/compat_pinned_reject.o"
	[ "$status" -eq 6 ]
	[[ "$output" == *"compat_pinned_reject.o: rejected by the kernel verifier"* ]]
	# no maps/ directory was left behind for a chain that pins nothing
	[ ! -e "$maps" ]
	# with a program that pins compat_pin_cnt: the shared pin stays, the reject's own goes
	xdpl_b load -m skb -s xdp_redirect_map veth0 "$TEST_PROGS/compat_pinned.o"
	maps=/sys/fs/bpf/xdpload/$(state_key_b)/maps
	before=$(ls "$maps")
	chain=$(xdpl_b status veth0 --json | jq -c '[.[0].programs[].id]')
	run xdpl_b load -m skb veth0 "$TEST_PROGS/compat_pinned_reject.o"
	[ "$status" -eq 6 ]
	[ "$(ls "$maps")" = "$before" ]
	[ -e "$maps/compat_pin_cnt" ] && [ ! -e "$maps/compat_reject_own" ]
	[ "$(xdpl_b status veth0 --json | jq -c '[.[0].programs[].id]')" = "$chain" ]
}

@test "-p DIR under ip netns exec: on the real bpffs, kept after unload, reused, devmap too" {
	local p=$TEST_PROGS/compat_pinned.o
	xdpl_b load -m skb -p "$PIN_DIR" -s xdp_redirect_map veth0 "$p"
	# seen from outside the namespace's hidden /sys: the real bpffs
	[ -e "$PIN_DIR/compat_pin_cnt" ] && [ -e "$PIN_DIR/compat_tx_port" ]
	xdpl_b load -m skb veth0 pass
	xdpl_b unload veth0 --all
	xdpl_b clean
	[ -e "$PIN_DIR/compat_tx_port" ]
	# the same maps again (libbpf 1.1 alone refuses its own pinned devmap)
	before=$(bpftool -j map show pinned "$PIN_DIR/compat_tx_port" | jq .id)
	run xdpl_b load -m skb -p "$PIN_DIR" -s xdp_redirect_map veth0 "$p"
	[ "$status" -eq 0 ]
	id=$(xdpl_b status veth0 --json | jq '.[0].programs[0].id')
	bpftool -j prog show id "$id" | jq -e --argjson m "$before" '.map_ids | index($m) != null'
	xdpl_b unload veth0 --all
	run xdpl_b load --dispatcher libxdp -m skb -p "$PIN_DIR" -s xdp_redirect_map veth0 "$p"
	[ "$status" -eq 0 ]
	# another map where one goes: exit 7, named
	xdpl_b unload veth0 --all
	rm -f "$PIN_DIR/compat_pin_cnt"
	bpftool map create "$PIN_DIR/compat_pin_cnt" type hash key 4 value 8 entries 2 name compat_pin_cnt
	run xdpl_b load -m skb -p "$PIN_DIR" -s xdp_redirect_map veth0 "$p"
	[ "$status" -eq 7 ]
	[[ "$output" == *"another map is pinned where its map compat_pin_cnt goes"* ]]
	[ "$(xdp_id_b)" = 0 ]
}

@test "frags: an xdp.frags program chains with the bundled programs, native at MTU 9000" {
	run xdpl_b load -m native veth0 count filter ratelimit watch "$TEST_PROGS/linked_frags.o" pass
	[ "$status" -eq 0 ]
	on_a ip link set veth0 mtu 9000
	on_b ip link set veth0 mtu 9000
	on_a ping -q -c 2 -s 8000 -W 1 "$LAB_IP_B" >/dev/null
	xdpl_b unload veth0 --all
	# without frags in the chain the bundled programs drop the flag too: then veth
	# refuses a peer MTU too large for one buffer, so the chain must not have frags
	run xdpl_b load -m native veth0 count "$TEST_PROGS/compat_drop.o" pass
	[ "$status" -eq 1 ]
	[[ "$output" == *"MTU too large"* ]]
	on_a ip link set veth0 mtu 1500
	on_b ip link set veth0 mtu 1500
	run xdpl_b load -m native veth0 count "$TEST_PROGS/compat_drop.o" pass
	[ "$status" -eq 0 ]
	ping_none 3
}

@test "objects libbpf cannot load: exit 3 and libbpf's reason, one line" {
	run xdpl_b load -m skb veth0 "$TEST_PROGS/compat_maxent0.o"
	[ "$status" -eq 3 ]
	[[ "$output" == *"the object expects its own loader to size map rx_cnt"* ]]
	run xdpl_b load -m skb veth0 "$TEST_PROGS/compat_kfunc.o"
	[ "$status" -eq 3 ]
	[[ "$output" == *"bpf_xdpl_no_such_kfunc"*"not found"* ]]
	head -c 1500 "$TEST_PROGS/compat_drop.o" >"$BATS_TEST_TMPDIR/cut.o"
	run xdpl_b load -m skb veth0 "$BATS_TEST_TMPDIR/cut.o"
	[ "$status" -eq 3 ]
	[[ "$output" == *"libbpf cannot open it: "* && "$output" != *"Unknown error"* ]]
	[ "$(xdp_id_b)" = 0 ]
}

@test "a chain removed by xdp-loader or ip link: the next load starts cleanly" {
	xdpl_b load -m skb veth0 count drop
	on_b xdp-loader unload veth0 --all
	run xdpl_b load -m skb veth0 pass
	[ "$status" -eq 0 ]
	[ "$(xdpl_b status veth0 --json | jq -r '[.[0].programs[].name] | join(",")')" = pass ]
	ip -n "$LAB_B" link set dev veth0 xdpgeneric off
	run xdpl_b load -m skb veth0 count
	[ "$status" -eq 0 ]
	[ "$(xdpl_b status veth0 --json | jq -r '[.[0].programs[].name] | join(",")')" = count ]
}

@test "another tool's programs: no invented priority; a bpf_link is named and never replaced" {
	ip -n "$LAB_B" link set dev veth0 xdpgeneric obj "$TEST_PROGS/compat_drop.o" sec xdp_drop
	xdpl_b status veth0 --json | jq -e '.[0].programs[0].priority == null and .[0].link_id == null'
	! xdpl_b status veth0 | grep -q ' 50 '
	ip -n "$LAB_B" link set dev veth0 xdpgeneric off
	bpftool prog load "$LAB_ROOT/build/progs/pass.o" "${LINK_PIN}_prog" type xdp
	nsenter --net="/run/netns/$LAB_B" python3 "$BATS_TEST_DIRNAME/lib/xdp_link.py" \
		"${LINK_PIN}_prog" veth0 "$LINK_PIN"
	link=$(xdpl_b status veth0 --json | jq '.[0].link_id')
	[ "$link" -gt 0 ]
	xdpl_b status veth0 | grep -q "\[legacy, bpf_link $link\]"
	for args in "veth0 count" "--force veth0 count" "--dispatcher libxdp veth0 count"; do
		# shellcheck disable=SC2086
		run xdpl_b load -m skb $args
		[ "$status" -eq 9 ]
		[[ "$output" == *"held by bpf_link $link"*"--force neither"* ]]
	done
	run xdpl_b unload veth0 --all --force
	[ "$status" -eq 9 ]
	rm -f "$LINK_PIN" "${LINK_PIN}_prog"
}

@test "status: 7-digit IDs keep the columns, the dispatcher's tag, names whole from BTF" {
	xdpl_b load -m skb veth0 /usr/libexec/xdp-tools/test_long_func_name.o \
		-n xdp_test_prog_with_a_long_name_too || skip "xdp-tests is not installed"
	xdpl_b status veth0 --json |
		jq -e '.[0].programs[0].name == "xdp_test_prog_with_a_long_name_too" and
			(.[0].dispatcher_tag | test("^[0-9a-f]{16}$"))'
	disp=$(xdpl_b status veth0 --json | jq -r '.[0].dispatcher_tag')
	xdpl_b status veth0 | grep -q "$disp"
	# the ID column holds 7 digits: a row's tag starts where the header's does
	header=$(xdpl_b status veth0 | grep '^Interface')
	row=$(xdpl_b status veth0 | grep '^veth0')
	col=$(awk -v h="$header" 'BEGIN { print index(h, "Tag") }')
	[ "${row:$((col - 1)):16}" = "$disp" ]
}
