#!/usr/bin/env bats
# Untrusted objects (DESIGN.md 4): only regular files, at most 64 MiB, and a parse that
# a crash inside libbpf or libxdp cannot take down. Then MALFORMED_COUNT (200 by
# default; `make check-malformed` runs 2,400) objects damaged from this repo's own:
# no crash, no hang, a documented exit code, and an interface left as it was.

load lib/common

MALFORMED_COUNT=${MALFORMED_COUNT:-200}
MALFORMED_SEED=${MALFORMED_SEED:-11}
MUTATE="$LAB_ROOT/tests/lib/mutate.py"
# The object the issue found: one flipped bit in its .BTF crashes libbpf (libxdp1 ships it).
XDPFILT=/usr/lib/$(uname -m)-linux-gnu/bpf/xdpfilt_dny_all.o

# B's veth0 as xdpload and the kernel see it: status (without the packet counters that
# stray IPv6 traffic moves), the attached program, the state files of key $STATE_KEY.
iface_state()
{
	xdpl_b status veth0 --json | jq -c 'del(.[].programs[].packets, .[].programs[].bytes)'
	ip -n "$LAB_B" -d link show dev veth0 | grep -o 'prog/xdp.*'
	[ -z "${STATE_KEY:-}" ] ||
		ls -l --time-style=+ "/run/xdpload/$STATE_KEY" "/sys/fs/bpf/xdpload/$STATE_KEY" 2>&1
}

# refused_fast PATTERN FILE: load FILE exits 3 within 2 s, says PATTERN, changes nothing.
refused_fast()
{
	local pattern=$1 file=$2 before start ms

	before=$(iface_state)
	start=$(date +%s%N)
	run timeout 20 ip netns exec "$LAB_B" "$XDPLOAD" load -m skb veth0 "$file"
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "exit $status after $ms ms: $output"
	[ "$status" -eq 3 ]
	[[ "$output" == *"$file: $pattern"* ]]
	[ "$ms" -lt 2000 ]
	[ "$(iface_state)" = "$before" ]
}

@test "a FIFO, a directory, /dev/null and /dev/zero: exit 3 at once, saying what they are" {
	mkfifo "$BATS_TEST_TMPDIR/fifo.o"
	mkdir "$BATS_TEST_TMPDIR/dir.o"
	xdpl_b load -m skb veth0 pass
	STATE_KEY=$(state_key_b)
	refused_fast "is a FIFO, not an eBPF object file" "$BATS_TEST_TMPDIR/fifo.o"
	refused_fast "is a directory, not an eBPF object file" "$BATS_TEST_TMPDIR/dir.o"
	refused_fast "is a device, not an eBPF object file" /dev/null
	refused_fast "is a device, not an eBPF object file" /dev/zero
	# the FIFO was never opened for reading by anyone who waited on it
	[ -p "$BATS_TEST_TMPDIR/fifo.o" ]
}

@test "over 64 MiB (a sparse 2 GiB file, a good object padded with 1 GiB): exit 3 before reading" {
	truncate -s 2G "$BATS_TEST_TMPDIR/big.o"
	cp "$TEST_PROGS/linked_pass.o" "$BATS_TEST_TMPDIR/padded.o"
	truncate -s +1G "$BATS_TEST_TMPDIR/padded.o"
	refused_fast "is 2.0 GiB, over the 64 MiB limit for an eBPF object file" \
		"$BATS_TEST_TMPDIR/big.o"
	refused_fast "is 1.0 GiB, over the 64 MiB limit" "$BATS_TEST_TMPDIR/padded.o"
	# the limit itself is a regular file of 64 MiB + 1 byte
	truncate -s $((64 * 1024 * 1024 + 1)) "$BATS_TEST_TMPDIR/limit.o"
	refused_fast "is 64.0 MiB, over the 64 MiB limit" "$BATS_TEST_TMPDIR/limit.o"
	rm -f "$BATS_TEST_TMPDIR"/{big,padded,limit}.o
}

@test "a good object padded under the limit loads, and only its ELF image is saved" {
	local size key saved

	cp "$TEST_PROGS/linked_pass.o" "$BATS_TEST_TMPDIR/padded.o"
	size=$(stat -c %s "$BATS_TEST_TMPDIR/padded.o")
	head -c $((8 * 1024 * 1024)) /dev/zero >>"$BATS_TEST_TMPDIR/padded.o"
	xdpl_b load -m skb --dispatcher linked veth0 "$BATS_TEST_TMPDIR/padded.o"
	[ "$(xdpl_b status veth0 --json | jq -r '.[0].programs[0].name')" = lk_pass ]
	key=$(state_key_b)
	[ -n "$key" ]
	saved=$(find "/run/xdpload/$key" -name '*.o')
	[ -n "$saved" ]
	echo "saved $saved: $(stat -c %s "$saved") bytes, object $size"
	[ "$(stat -c %s "$saved")" -eq "$size" ]
	# and the chain rebuilds from that copy
	xdpl_b load -m skb veth0 count
	[ "$(xdpl_b status veth0 --json | jq '.[0].programs | length')" -eq 2 ]
}

# expect_malformed FILE WHO [SIG]: exit 3 "malformed object (WHO ...: SIG)", nothing changed
expect_malformed()
{
	local file=$1 who=$2 sig=${3:-SIGSEGV} before

	before=$(iface_state)
	run timeout 20 ip netns exec "$LAB_B" "$XDPLOAD" load -m skb veth0 "$file"
	echo "exit $status: $output"
	[ "$status" -eq 3 ]
	[[ "$output" == *"$file: malformed object ($who"*": $sig)"* ]]
	[ "$(iface_state)" = "$before" ]
}

@test "objects that crash libbpf's and libxdp's parse or relocation: exit 3 malformed object, no crash" {
	xdpl_b load -m skb veth0 pass
	STATE_KEY=$(state_key_b)
	# a map definition whose first member's type does not exist: libbpf follows it
	python3 "$MUTATE" --craft "$LAB_ROOT/build/progs/count.o" "$BATS_TEST_TMPDIR/maps.o"
	expect_malformed "$BATS_TEST_TMPDIR/maps.o" "libbpf crashed parsing it"
	# the same in the run-config struct that only libxdp reads
	python3 "$MUTATE" --craft "$LAB_ROOT/build/progs/drop.o" "$BATS_TEST_TMPDIR/runcfg.o"
	expect_malformed "$BATS_TEST_TMPDIR/runcfg.o" "libxdp crashed reading its metadata"
	# relocations renamed: libbpf 1.1 frees one buffer twice (at load, at close)
	python3 "$MUTATE" --craft-reloc "$TEST_PROGS/linked_deep7.o" "$BATS_TEST_TMPDIR/reloc.o"
	expect_malformed "$BATS_TEST_TMPDIR/reloc.o" "libbpf crashed relocating it" SIGABRT
	# and the issue's object with one bit of its .BTF flipped (a type ID in a map struct)
	[ -f "$XDPFILT" ] || skip "$XDPFILT missing (libxdp1)"
	python3 "$MUTATE" --craft-bit "$XDPFILT" "$BATS_TEST_TMPDIR/xdpfilt.o"
	cmp -l "$XDPFILT" "$BATS_TEST_TMPDIR/xdpfilt.o" | wc -l | grep -qx 1
	expect_malformed "$BATS_TEST_TMPDIR/xdpfilt.o" "libbpf crashed parsing it"
}

@test "malformed objects: no crash, no hang, a documented exit code, nothing changed" {
	local objs=() f rc before after out n=0 summary="$BATS_TEST_TMPDIR/summary"

	for f in "$LAB_ROOT"/build/progs/*.o "$TEST_PROGS"/*.o "$XDPFILT"; do
		# not: maps pinned by name outside any test directory, nor the verifier's reject
		case "$f" in *linked_pinned.o | *bad_verifier.o) continue ;; esac
		[ -f "$f" ] && objs+=("$f")
	done
	mkdir "$BATS_TEST_TMPDIR/objs"
	echo "# mutations: $(python3 "$MUTATE" "$BATS_TEST_TMPDIR/objs" "$MALFORMED_COUNT" \
		"$MALFORMED_SEED" "${objs[@]}")" >&3
	xdpl_b load -m skb veth0 pass
	STATE_KEY=$(state_key_b)
	[ -n "$STATE_KEY" ]
	before=$(iface_state)
	for f in "$BATS_TEST_TMPDIR"/objs/*.o; do
		rc=0
		out=$(timeout 30 ip netns exec "$LAB_B" "$XDPLOAD" load -m skb veth0 "$f" 2>&1) || rc=$?
		n=$((n + 1))
		echo "$rc $(basename "$f") ${out%%$'\n'*}" >>"$summary"
		if [ "$rc" -ge 124 ] || [ "$rc" -gt 10 ] ||
			[[ "$out" == *Sanitizer* || "$out" == *"runtime error"* ]] ||
			{ [ "$rc" -ne 0 ] && [[ "$out" != *"xdpload: "* ]]; }; then
			echo "$f: exit $rc: $out"
			cp "$f" "$LAB_ROOT/build/" && echo "kept as build/$(basename "$f")"
			return 1
		fi
		if [ "$rc" -eq 0 ]; then
			# a harmless change: back to the one program, and a new baseline
			xdpl_b unload veth0 --all
			xdpl_b load -m skb veth0 pass
			before=$(iface_state) # same state key: it names the interface
			continue
		fi
		after=$(iface_state)
		if [ "$after" != "$before" ]; then
			echo "$f: exit $rc changed the interface: $out"
			diff <(echo "$before") <(echo "$after")
			return 1
		fi
	done
	[ "$n" -eq "$MALFORMED_COUNT" ]
	# the tally, for the log: exit codes, and how many crashed libbpf/libxdp in the child
	echo "# $n objects: exit code:count $(cut -d' ' -f1 "$summary" | sort -n | uniq -c |
		awk '{ print $2 ":" $1 }' | paste -sd' ')" >&3
	echo "# malformed (child crashed): $(grep -c 'malformed object (' "$summary")," \
		"libxdp: $(grep -c 'libxdp crashed' "$summary"), timeouts: $(grep -c 'took longer' "$summary")" >&3
	[ -z "${MALFORMED_REPORT:-}" ] || cp "$summary" "$MALFORMED_REPORT"
}
