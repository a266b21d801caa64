#!/usr/bin/env bats
# The command line: options from tables, one prologue, one number parser, help and
# usage generated from the tables, bash completion, man synopses, --json and -v on
# every command, and bundled programs configured before the chain is swapped in.

load lib/common

ROOT="${BATS_TEST_DIRNAME}/.."
COMPLETION="$ROOT/build/xdpload.bash"

# Every command, as the completion (generated from the tables) knows them.
commands()
{
	"$XDPLOAD" help --synopsis | awk 'NR > 1 { print $2 }'
}

# opts_of CMD: the options of CMD's table, from the generated completion script.
opts_of()
{
	sed -n "/^\t$1)\$/,/;;/s/^\t\topts=\"\(.*\)\"\$/\1/p" "$COMPLETION" | tr ' ' '\n' | grep . | sort -u
}

# long options (and short ones) that a help text lists in its option lines
opts_in_help()
{
	grep -Eo '^  +(-[a-zA-Z], )?--[a-z][-a-z]*' | tr -d ' ,' | sed 's/^\(-[a-zA-Z]\)\(--\)/\1\n\2/' |
		sort -u
}

@test "help lists every command; help COMMAND is COMMAND --help, generated from one table" {
	run "$XDPLOAD" help
	[ "$status" -eq 0 ]
	for c in $(commands); do
		[[ "$output" == *"  $c "* ]]
		diff <("$XDPLOAD" help "$c") <("$XDPLOAD" "$c" --help)
		diff <("$XDPLOAD" help "$c") <("$XDPLOAD" "$c" -h)
		# the usage line is the synopsis
		"$XDPLOAD" help "$c" | head -n 1 | grep -q "^Usage: xdpload $c"
	done
	[ "$(commands | wc -l)" -ge 10 ]
	run "$XDPLOAD" -h
	[ "$status" -eq 0 ]
	[[ "$output" == *"Commands:"* ]]
	# no command: the same usage, on stderr, and exit 2
	run "$XDPLOAD"
	[ "$status" -eq 2 ]
	[[ "$output" == *"Commands:"* ]]
}

@test "usage lists every option of the command's table, and nothing else" {
	for c in $(commands); do
		echo "== $c"
		diff <(opts_of "$c") <("$XDPLOAD" "$c" --help | opts_in_help)
	done
	# the bundled programs' options are load's, from the builtin table
	help=$("$XDPLOAD" load --help | tr -s ' \n' ' ')
	[[ "$help" == *"--rate PPS ratelimit: packets per second per source (1 to 1000000000, default 1000)"* ]]
	[[ "$help" == *"--burst N ratelimit: "*"(1 to 1000000000, default 100)"* ]]
	# ranges and values come from the table too
	"$XDPLOAD" unload --help | tr -s ' \n' ' ' | grep -q -- '--id ID .*(1 to 4294967295)'
	[[ "$help" == *"(native, skb, hw or unspecified)"* ]]
}

@test "unknown commands, options and bundled names: exit 2 or 4, with the nearest name" {
	run "$XDPLOAD" lod
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown command 'lod'; did you mean load?"* ]]
	run "$XDPLOAD" help stauts
	[ "$status" -eq 2 ]
	[[ "$output" == *"did you mean status?"* ]]
	run xdpl_b load veth0 cuont
	[ "$status" -eq 4 ]
	[[ "$output" == *"cuont: no such bundled program"*"did you mean count?"* ]]
	run xdpl_b load veth0 zzzzzz
	[ "$status" -eq 4 ]
	[[ "$output" != *"did you mean"* ]]
	run xdpl_b status --frob
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option '--frob'"* ]]
	run xdpl_b stats veth0 -c
	[ "$status" -eq 2 ]
	[[ "$output" == *"option '-c' needs a value"* ]]
	[ "$(xdp_id_b)" = 0 ]
}

# A run of every command that succeeds on B (B's veth0 runs pass, filter, ratelimit and
# watch). Each line: COMMAND ARGS...
good_runs()
{
	cat <<EOF
load -m skb veth0 count
status veth0
clean veth0
features veth0
progs
stats veth0 -c 1 -i 0.1
filter veth0 list
ratelimit veth0
watch veth0 -c 1
trace veth0 -c 1
test --iface veth0 --pcap /dev/null
unload veth0 -n count
apply --check $BATS_TEST_TMPDIR/empty.yaml
save veth0
help load
EOF
}

@test "-v and --json are accepted by every command, and --json output is JSON" {
	xdpl_b load -m skb veth0 pass filter ratelimit watch
	echo "version: 1" >"$BATS_TEST_TMPDIR/empty.yaml"
	[ "$(good_runs | awk '{ print $1 }' | sort)" = "$(commands | sort)" ]
	# frames for watch -c 1 to report
	on_a ping -q -c 2000 -i 0.02 "$LAB_IP_B" >/dev/null 2>&1 &
	ping_pid=$!
	while read -r cmd args; do
		for flags in "-v" "-vv" "--verbose" "-j" "--json" "-v --json"; do
			[ "$cmd" != unload ] || xdpl_b load -m skb veth0 count
			rc=0
			# shellcheck disable=SC2086
			out=$(ip netns exec "$LAB_B" "$XDPLOAD" $cmd $flags $args 2>"$BATS_TEST_TMPDIR/err") || rc=$?
			echo "$cmd $flags $args -> $rc: $out $(cat "$BATS_TEST_TMPDIR/err")"
			[ "$rc" -eq 0 ]
			# stdout under --json: JSON, or nothing, for every command but help
			if [[ "$flags" == *j* && "$cmd" != help ]]; then
				[ -z "$out" ] || jq -e . >/dev/null <<<"$out"
			fi
			[ "$cmd" != load ] || xdpl_b unload veth0 -n count
		done
		# xdpload's own -v, before the command
		[ "$cmd" != unload ] || xdpl_b load -m skb veth0 count
		# shellcheck disable=SC2086
		ip netns exec "$LAB_B" "$XDPLOAD" -v $cmd $args >/dev/null 2>&1
		[ "$cmd" != load ] || xdpl_b unload veth0 -n count
	done < <(good_runs)
	kill "$ping_pid" 2>/dev/null || true
	# -v says what it did: load names the backend and the programs' IDs
	run xdpl_b -v load -m skb veth0 count
	[[ "$output" == *"veth0: "*" chain, skb mode:"*"count (id "* ]]
}

@test "--json errors are JSON on stdout for every command: usage, and the command's own" {
	for c in $(commands); do
		run ip netns exec "$LAB_B" "$XDPLOAD" "$c" --frob --json
		echo "$c: $output"
		[ "$status" -eq 2 ]
		[ "$(jq -r .kind <<<"$output")" = usage ]
		[ "$(jq -r .exit_code <<<"$output")" = 2 ]
		[ "$(jq -r .command <<<"$output")" = "$c" ]
		[[ "$(jq -r .error <<<"$output")" == *"--frob"* ]]
		# --json before the bad option works the same
		run ip netns exec "$LAB_B" "$XDPLOAD" "$c" -j --frob
		[ "$(jq -r .exit_code <<<"$output")" = 2 ]
	done
	# an interface that does not exist, for every command that takes one
	for c in load unload status clean stats filter ratelimit watch save; do
		case $c in
		load) args="nosuch0 drop" ;;
		unload) args="nosuch0 --all" ;;
		filter) args="nosuch0 list" ;;
		*) args="nosuch0" ;;
		esac
		# shellcheck disable=SC2086
		run ip netns exec "$LAB_B" "$XDPLOAD" $c --json $args
		echo "$c $args: $output"
		[ "$status" -eq 5 ]
		[ "$(jq -r .exit_code <<<"$output")" = 5 ]
		[[ "$(jq -r .error <<<"$output")" == *"nosuch0"* ]]
	done
	run "$XDPLOAD" lod --json
	[ "$(jq -r .exit_code <<<"$output")" = 2 ]
}

@test "program IDs do not wrap: 2^32+N and negative IDs exit 2 and remove nothing" {
	xdpl_b load -m skb veth0 pass drop
	id=$(status_id_b pass)
	before=$(xdpl_b status veth0 --json | jq -c '[.[0].programs[].id]')
	# the measured bug: strtoul into __u32 made these mean $id
	for bad in $((4294967296 + id)) "-$((4294967296 - id))" "+$id" " $id" "$id " "0x$(printf %x "$id")" \
		"${id}x" "" 0 -0 4294967296 18446744073709551616 "1e3"; do
		run xdpl_b unload veth0 -i "$bad"
		echo "unload -i '$bad' -> $status: $output"
		[ "$status" -eq 2 ]
		[[ "$output" == *"bad program ID"* ]]
	done
	[ "$(xdpl_b status veth0 --json | jq -c '[.[0].programs[].id]')" = "$before" ]
	# the largest ID is a valid one that is not attached
	run xdpl_b unload veth0 -i 4294967295
	[ "$status" -eq 10 ]
	xdpl_b unload veth0 -i "$id"
	[ "$(xdpl_b status veth0 --json | jq -r '[.[0].programs[].name] | join(" ")')" = drop ]
}

@test "every number has the same rules: priorities, rates, bursts, counts, intervals" {
	for bad in "+5" " 5" "5 " "5x" "0x5" "2147483648" "-1" "" "1e2"; do
		run xdpl_b load -m skb -P "$bad" veth0 drop
		[ "$status" -eq 2 ]
		[[ "$output" == *"bad priority"* ]]
	done
	for bad in "+5" " 5" "0" "1000000001" "1e3" "5.0"; do
		run xdpl_b load veth0 ratelimit --rate "$bad"
		[ "$status" -eq 2 ]
		run xdpl_b load veth0 ratelimit --burst "$bad"
		[ "$status" -eq 2 ]
	done
	for bad in "0" "-1" " 1" "1 " "+1" "1e0" "inf" "nan" "0x1" "86401" "0.0001"; do
		run xdpl_b stats veth0 -i "$bad"
		echo "stats -i '$bad' -> $status: $output"
		[ "$status" -eq 2 ]
	done
	for bad in "0" "-1" " 1" "18446744073709551616"; do
		run xdpl_b stats veth0 -c "$bad"
		[ "$status" -eq 2 ]
		run xdpl_b watch veth0 -c "$bad"
		[ "$status" -eq 2 ]
	done
	run xdpl_b watch veth0 --rate 1000001
	[ "$status" -eq 2 ]
	# filter ports follow the same rules
	xdpl_b load -m skb veth0 filter
	for bad in " 53" "53 " "+53" "0x35"; do
		run xdpl_b filter veth0 port add "$bad"
		[ "$status" -eq 2 ]
	done
	[ "$(xdpl_b filter veth0 list --json | jq '.rules | length')" -eq 0 ]
	[ "$(xdpl_b status veth0 --json | jq -r '[.[0].programs[].name] | join(" ")')" = filter ]
}

@test "privileges are checked once, by the prologue, for every command that needs them" {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) missing"
	xdpl_b load -m skb veth0 filter ratelimit watch
	before=$(xdp_id_b)
	for args in "load veth0 drop" "unload veth0 --all" "status" "clean" "stats veth0" \
		"filter veth0 list" "ratelimit veth0" "watch veth0 -c 1"; do
		# shellcheck disable=SC2086
		run ip netns exec "$LAB_B" setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all "$XDPLOAD" $args --json
		echo "$args -> $status: $output"
		[ "$status" -eq 7 ]
		[ "$(jq -r .kind <<<"$output")" = permission ]
	done
	# usage errors come first, without privileges
	run ip netns exec "$LAB_B" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$XDPLOAD" unload veth0 -i -1
	[ "$status" -eq 2 ]
	# and what needs no kernel runs without them
	run setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$XDPLOAD" progs
	[ "$status" -eq 0 ]
	run setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$XDPLOAD" help load
	[ "$status" -eq 0 ]
	[ "$(xdp_id_b)" = "$before" ]
}

# udp_flood SECONDS: UDP datagrams from A to B, as fast as A sends them
udp_flood()
{
	on_a python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    for i in range(1000):
        s.sendto(b"x", (sys.argv[2], 9))
' "$1" "$LAB_IP_B"
}

@test "ratelimit's --rate and --burst hold from the first packet (set before the swap)" {
	command -v strace >/dev/null || skip "strace missing (./configure --with-tests installs it)"
	on_a sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	udp_flood 6 &
	sleep 0.5
	t0=$(date +%s.%N)
	# every bpf() call slowed down: what runs between the swap and a configuration
	# made after it would take long enough for thousands of the flood's packets
	# (LeakSanitizer cannot run under ptrace: an ASan build checks leaks elsewhere)
	on_b env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -o /dev/null -e trace=bpf -e inject=bpf:delay_enter=10000 \
		"$XDPLOAD" load veth0 ratelimit --rate 5 --burst 5
	echo "loaded in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }') s"
	wait
	t1=$(date +%s.%N)
	st=$(xdpl_b ratelimit veth0 --json)
	echo "$st"
	[ "$(jq .rate_pps <<<"$st")" -eq 5 ]
	passed=$(jq .passed <<<"$st")
	# the burst, then 5/s: a program that ran even a millisecond with the defaults
	# (1000/s, burst 100) lets a hundred or more of the flood's packets more through
	limit=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", 5 + 5 * (b - a) + 3 }')
	echo "passed $passed, at most $limit"
	[ "$passed" -ge 5 ]
	[ "$passed" -le "$limit" ]
	[ "$(jq .dropped <<<"$st")" -ge 20000 ]
}

@test "ratelimit's settings survive a rebuild of the chain, and need the program loaded" {
	xdpl_b load veth0 ratelimit --rate 250 --burst 25
	xdpl_b ratelimit veth0 set --rate 333
	xdpl_b load veth0 count
	xdpl_b unload veth0 -n count
	xdpl_b load veth0 pass
	[ "$(xdpl_b ratelimit veth0 --json | jq -c '[.rate_pps, .burst]')" = "[333,25]" ]
	run xdpl_b load veth0 count --burst 3
	[ "$status" -eq 2 ]
	[[ "$output" == *"--burst configures the 'ratelimit' program"* ]]
}

# complete WORDS...: what the generated completion offers for the last word of
# "xdpload WORDS...", in B (whose interfaces are lo and veth0), from an empty directory.
complete_words()
{
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	on_b bash -c 'source "$1"; cd "$2"; shift 2; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		_xdpload; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$BATS_TEST_TMPDIR/empty" \
		"$XDPLOAD" "$@" | grep . | sort | tr '\n' ' '
}

@test "bash completion: commands, options, values, interfaces, bundled names, sections" {
	[ "$(complete_words "")" = "$(commands | sort | tr '\n' ' ')" ]
	[ "$(complete_words -v st)" = "stats status " ]
	[ "$(complete_words unload --)" = "--all --every-interface --force --help --id --json --keep-maps --name --verbose " ]
	[[ "$(complete_words load --)" == *"--burst "*"--dispatcher "*"--rate "* ]]
	[ "$(complete_words load -m "")" = "hw native skb unspecified " ]
	[ "$(complete_words load --dispatcher "")" = "auto libxdp linked " ]
	[ "$(complete_words load -m skb "")" = "lo veth0 " ]
	[ "$(complete_words status "")" = "lo veth0 " ]
	[ "$(complete_words load veth0 c)" = "count " ]
	[[ "$(complete_words load veth0 "")" == *"drop filter pass ratelimit watch "* ]]
	[ "$(complete_words load veth0 "$TEST_PROGS/two_sections.o" -s "")" = "xdp xdp.frags " ]
	[ "$(complete_words load veth0 "$TEST_PROGS/two_sections.o" --prog-name "")" = "sec_drop sec_pass " ]
	# option values are not arguments
	[ "$(complete_words load -P 10 -m skb "")" = "lo veth0 " ]
	[ "$(complete_words load --mode=skb veth0 d)" = "drop " ]
	[ "$(complete_words filter veth0 "")" = "ether flush ip list neigh policy poll port rule rules status " ]
	[ "$(complete_words ratelimit veth0 "")" = "set " ]
	[ "$(complete_words help f)" = "features filter " ]
	# numbers: nothing to offer
	[ "$(complete_words unload veth0 -i "")" = "" ]
	# the script is the one the binary generates, and make install installs it
	diff "$COMPLETION" <("$XDPLOAD" help --completion)
	dest="$BATS_TEST_TMPDIR/stage"
	make -C "$ROOT" install DESTDIR="$dest" PREFIX=/usr >/dev/null
	diff "$COMPLETION" "$dest/usr/share/bash-completion/completions/xdpload"
}

# The SYNOPSIS of a man page as text, one line per .br, whitespace normalised.
man_synopsis()
{
	groff -man -Tascii -P-bcu -rLL=2000n -rHY=0 "$1" 2>/dev/null |
		sed -n '/^SYNOPSIS/,/^[A-Z]/p' | sed '1d;$d' | sed 's/^ *//; s/  */ /g' | grep .
}

@test "man synopses are the tables' synopses" {
	command -v groff >/dev/null || skip "groff missing"
	diff <(man_synopsis "$ROOT/man/xdpload.8") <("$XDPLOAD" help --synopsis)
	# the subcommand pages: the same options as the tables, no more, no fewer
	for c in filter ratelimit watch trace apply save test; do
		page=$c
		[ "$c" != save ] || page=apply
		syn=$(man_synopsis "$ROOT/man/xdpload-$page.8" | grep "^xdpload $c ")
		echo "$c: $syn"
		diff <(grep -Eo -- '(^| |\[|\(|\|)--?[a-z][-a-z]*' <<<"$syn" | tr -d ' [(|' | sort -u) \
			<("$XDPLOAD" help --synopsis "$c" | grep -Eo -- '(^| |\[|\(|\|)--?[a-z][-a-z]*' |
				tr -d ' [(|' | sort -u)
	done
	# the load line of xdpload-ratelimit(8) names load's ratelimit options
	man_synopsis "$ROOT/man/xdpload-ratelimit.8" | grep -q '^xdpload load IFACE ratelimit \[--rate PPS\] \[--burst N\]$'
	# the quoting slip that rendered "dispatcher_id (0with-outadispatcher)"
	groff -man -Tascii -P-bcu -rLL=2000n "$ROOT/man/xdpload.8" | grep -q 'dispatcher_id (0 without a dispatcher), dispatcher_tag (null without one)'
}
