#!/usr/bin/env bats
# The inlining dispatcher through xdpload: what status --json says per program,
# --no-inline sticking to the chain, and the same traffic outcome either way.

load lib/common

LP=${TEST_PROGS:-$LAB_ROOT/build/tests/progs}

teardown()
{
	lab_down
}

lk() { xdpl_b load -m skb --dispatcher linked veth0 "$@"; }

# "name:inlined" of B's programs in run order, space-separated
layout_b() { xdpl_b status veth0 --json | jq -r '[.[0].programs[] | "\(.name):\(.inlined)"] | join(" ")'; }

pkts_b() { xdpl_b status veth0 --json | jq -r --arg n "$1" --arg a "$2" \
	'[.[0].programs[] | select(.name == $n) | .packets[$a]][0]'; }

@test "inline: bundled programs are inlined; a tail-calling one stays a call and says why" {
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	lk count
	lk -P 60 -n lk_tail "$LP/linked_tail.o"
	lk -P 70 drop
	[ "$(layout_b)" = "count:true lk_tail:false drop:true" ]
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].programs[1].call_reason')" = \
		"tail call in its main function" ]
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].programs[0] | has("call_reason")')" = false ]
	ping_none 3
	[ "$(pkts_b count XDP_PASS)" -eq 3 ]
	[ "$(pkts_b lk_tail XDP_PASS)" -eq 3 ]
	[ "$(pkts_b drop XDP_DROP)" -eq 3 ]
}

@test "inline: --no-inline calls every program, and later loads and unloads keep calling" {
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	lk --no-inline count
	[ "$(layout_b)" = "count:false" ]
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].programs[0].call_reason')" = --no-inline ]
	lk -P 70 drop
	[ "$(layout_b)" = "count:false drop:false" ]
	ping_none 2
	xdpl_b unload veth0 -n drop
	[ "$(layout_b)" = "count:false" ]
	ping_ok 2
	[ "$(pkts_b count XDP_PASS)" -ge 4 ]
}
