#!/usr/bin/env bats
# Every bad input: a one-line error naming the thing and the fix, its documented
# exit code, and an interface left as it was.

load lib/common

# expect_fail CODE PATTERN CMD...: CMD exits CODE, says PATTERN, and B's veth0 is unchanged.
expect_fail()
{
	local code=$1 pattern=$2 before

	shift 2
	before=$(xdp_id_b)
	run "$@"
	echo "exit $status: $output"
	[ "$status" -eq "$code" ]
	[[ "$output" == *$pattern* ]]
	[ "$(xdp_id_b)" = "$before" ]
}

@test "missing file: exit 3" {
	expect_fail 3 "no-such.o: no such file" xdpl_b load veth0 ./no-such.o
}

@test "not an eBPF ELF object: exit 3" {
	expect_fail 3 "not an eBPF ELF object" xdpl_b load veth0 /bin/true
	echo 'hello' >"$BATS_TEST_TMPDIR/text.o"
	expect_fail 3 "not an eBPF ELF object" xdpl_b load veth0 "$BATS_TEST_TMPDIR/text.o"
}

@test "section not in the file: exit 4, and the sections are listed" {
	expect_fail 4 "no XDP program in section 'nope' (XDP sections in it: xdp, xdp.frags)" \
		xdpl_b load -s nope veth0 "$TEST_PROGS/two_sections.o"
}

@test "program name not in the file: exit 4, and the names are listed" {
	expect_fail 4 "no XDP program named 'nope' (programs in it: sec_pass, sec_drop)" \
		xdpl_b load -n nope veth0 "$TEST_PROGS/two_sections.o"
}

@test "unknown bundled program: exit 4" {
	expect_fail 4 "dorp: no such bundled program ('xdpload progs' lists them" xdpl_b load veth0 dorp
}

@test "unknown interface: exit 5" {
	expect_fail 5 "nosuch0: no such interface" xdpl_b load nosuch0 drop
	expect_fail 5 "nosuch0: no such interface" xdpl_b status nosuch0
	expect_fail 5 "nosuch0: no such interface" xdpl_b unload nosuch0 --all
}

@test "bad mode, priority, action, dispatcher: exit 2" {
	expect_fail 2 "bad mode 'turbo'" xdpl_b load -m turbo veth0 drop
	expect_fail 2 "bad priority 'high'" xdpl_b load -P high veth0 drop
	expect_fail 2 "bad priority '-1'" xdpl_b load -P -1 veth0 drop
	expect_fail 2 "bad action 'XDP_FOO'" xdpl_b load -A XDP_PASS,XDP_FOO veth0 drop
	expect_fail 2 "bad dispatcher 'fast'" xdpl_b load --dispatcher fast veth0 drop
	expect_fail 2 "needs an interface" xdpl_b load veth0
	expect_fail 2 "say which programs" xdpl_b unload veth0
	expect_fail 2 "unknown command 'lod'" xdpl_b lod veth0 drop
}

@test "lower-case and unprefixed action names are accepted" {
	xdpl_b load -m skb -A pass,xdp_drop,XDP_TX veth0 pass
	[ "$(xdpl_b status veth0 --json | jq -c '.[0].programs[0].chain_actions')" = '["XDP_DROP","XDP_PASS","XDP_TX"]' ]
}

@test "verifier rejection: exit 6 with the end of the verifier's log" {
	expect_fail 6 "rejected by the kernel verifier" xdpl_b load -m skb veth0 "$TEST_PROGS/bad_verifier.o"
	# The verifier's own words, without -v:
	[[ "$output" == *"invalid access to packet"* ]]
	# trimmed: not the whole log
	[ "$(echo "$output" | wc -l)" -le 16 ]
}

@test "not root: exit 7" {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) missing"
	expect_fail 7 "permission denied" ip netns exec "$LAB_B" \
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$XDPLOAD" load veth0 drop
}

@test "a second program where libxdp cannot build its dispatcher: exit 8, first one kept" {
	xdpl_b load -m skb --dispatcher libxdp veth0 drop
	run xdpl_b status --json
	if [ "$(xdpl_b status veth0 --json | jq -r '.[0].backend')" = libxdp ]; then
		skip "this kernel loads libxdp's dispatcher (freplace works)"
	fi
	expect_fail 8 "refuses freplace" xdpl_b load -m skb --dispatcher libxdp veth0 pass
	[[ "$output" == *"--dispatcher linked"* ]]
	xdpl_b unload veth0 --all
	expect_fail 8 "use --dispatcher linked" xdpl_b load -m skb --dispatcher libxdp veth0 pass drop
}

@test "more programs than the dispatcher holds: exit 8" {
	expect_fail 8 "at most 10" xdpl_b load -m skb --dispatcher libxdp veth0 \
		pass pass pass pass pass pass pass pass pass pass pass
}

@test "bpffs hidden (ip netns exec): xdpload still works" {
	# ip netns exec remounts /sys, so /sys/fs/bpf is not a bpffs in there
	run on_b stat -f -c %T /sys/fs/bpf
	[ "$output" != bpf_fs ]
	xdpl_b load -m skb veth0 drop
	ping_none 2
}
