# shellcheck shell=bash
# Checks for the crash tests (tests/faults.bats, tests/faults/soak): after a
# command was killed at any point, what xdpload says must be what the kernel
# runs, nothing may be left over, and the next commands must just work.
#
# The chain on B always holds linked_drop_icmp, so no ping may ever get through.

FAULT_PROGS=${TEST_PROGS:-$LAB_ROOT/build/tests/progs}

# B's state key (netns cookie and ifindex), from the lock xdpload keeps for it
fault_key()
{
	local d
	for d in /run/xdpload/*-*/; do
		[ -e "$d/manifest" ] || continue
		# the manifest's namespace is B's
		[ "$(cat "$d/netns" 2>/dev/null)" = "$(on_b stat -L -c %i /proc/self/ns/net)" ] && basename "$d"
	done
	return 0
}

fault_base_chain()
{
	xdpl_b load -m skb --dispatcher linked veth0 count "$FAULT_PROGS/linked_drop_icmp.o"
}

# fault_check: the invariants; prints what is wrong and returns 1
fault_check()
{
	local st attached disp key gen want have
	st=$(xdpl_b status veth0 --json) || { echo "status failed"; return 1; }
	attached=$(xdp_id_b)
	[ "$(jq -r '.[0].backend' <<<"$st")" = linked ] || { echo "backend: $st"; return 1; }
	disp=$(jq -r '.[0].dispatcher_id' <<<"$st")
	[ "$disp" = "$attached" ] || { echo "status says $disp, kernel runs $attached"; return 1; }
	jq -e '[.[0].programs[].name] | index("lk_drop_icmp")' <<<"$st" >/dev/null ||
		{ echo "drop_icmp missing: $st"; return 1; }
	# exactly what the committed manifest names, in the pins and in /run
	key=$(fault_key)
	[ -n "$key" ] || { echo "no state for B"; return 1; }
	gen=$(jq -r .generation "/run/xdpload/$key/manifest")
	want=$( { echo "dispatcher_$gen"; jq -r 'if .counters then "counters" else empty end' \
		"/run/xdpload/$key/manifest"; jq -r '.programs[].uid | "c\(.)"' \
		"/run/xdpload/$key/manifest"; } | sort | tr '\n' ' ')
	# (trace/, the tracer's maps, is kept while the chain exists)
	have=$(ls "/sys/fs/bpf/xdpload/$key" | grep -vx trace | sort | tr '\n' ' ')
	[ "$want" = "$have" ] || { echo "pins: want '$want', have '$have'"; return 1; }
	want=$( { echo manifest; echo netns; jq -r '.programs[].uid | "c\(.).o"' \
		"/run/xdpload/$key/manifest"; } | sort | tr '\n' ' ')
	# (reader.N: trace readers' lock files, locked while one reads)
	have=$(ls "/run/xdpload/$key" | grep -v '^reader\.[0-9]*$' | sort | tr '\n' ' ')
	[ "$want" = "$have" ] || { echo "run files: want '$want', have '$have'"; return 1; }
	# the dispatcher pinned is the one attached
	[ "$(bpftool -j prog show pinned "/sys/fs/bpf/xdpload/$key/dispatcher_$gen" | jq .id)" = \
		"$attached" ] || { echo "dispatcher_$gen is not the attached program"; return 1; }
	return 0
}

# fault_next: the next load and unload succeed, and leave the base chain
fault_next()
{
	xdpl_b load -m skb --dispatcher linked veth0 pass >/dev/null || { echo "next load failed"; return 1; }
	xdpl_b unload veth0 -n pass >/dev/null || { echo "next unload failed"; return 1; }
	while [ "$(xdpl_b status veth0 --json | jq '[.[0].programs[] | select(.name == "pass")] | length')" -gt 0 ]; do
		xdpl_b unload veth0 -n pass >/dev/null || { echo "unload of pass failed"; return 1; }
	done
	fault_check
}
