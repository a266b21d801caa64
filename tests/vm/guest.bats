#!/usr/bin/env bats
# The VM lab's guest suite: what needs a kernel that runs freplace (libxdp's
# dispatcher, interop with xdp-loader and xdp-filter) plus the linked backend on
# the same stock kernel. Runs only inside tests/vm/run-in-vm (VM_GUEST=1); start
# it with tests/vm/check-vm.
#
# Every exec costs 40 ms or more under emulation (jq about 300 ms), so the helpers
# read status with one jq call and parse the other tools' text in bash.
#
# Lab: veth xv0 (root namespace, where the chains go, so libxdp's pins in the
# guest's bpffs persist) <-> xv1 in namespace xdpl-vm, which sends the traffic;
# veth xv2/xv3 carry a second chain for the data-path comparison. The guest is
# private to one run, so the names need no suffix. Addresses are TEST-NET-1.

IF=xv0
PEER=xv1
IF2=xv2
NS=xdpl-vm
ADDR=192.0.2.1
PEER_ADDR=192.0.2.2
XDPLOAD=${XDPLOAD:-$BATS_TEST_DIRNAME/../../build/xdpload}
PROGS=${PROGS:-$BATS_TEST_DIRNAME/../../build/progs}

setup_file() {
	[ -n "${VM_GUEST:-}" ] || return 0
	local mac peer_mac
	# No IPv6 autoconfiguration chatter: only the pings cross xv0, counts are exact.
	echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
	ip link add "$IF" type veth peer name "$PEER"
	ip link add "$IF2" type veth peer name xv3
	ip netns add "$NS"
	ip netns exec "$NS" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6'
	read -r mac <"/sys/class/net/$IF/address"
	read -r peer_mac <"/sys/class/net/$PEER/address"
	ip link set "$PEER" netns "$NS"
	# Static neighbours: no ARP either.
	ip -b - <<-EOF
		addr add $ADDR/24 dev $IF
		link set $IF up
		link set $IF2 up
		link set xv3 up
		neigh add $PEER_ADDR lladdr $peer_mac dev $IF nud permanent
	EOF
	ip -n "$NS" -b - <<-EOF
		addr add $PEER_ADDR/24 dev $PEER
		link set $PEER up
		neigh add $ADDR lladdr $mac dev $PEER nud permanent
	EOF
}

teardown_file() {
	[ -n "${VM_GUEST:-}" ] || return 0
	ip netns del "$NS" 2>/dev/null || true
	ip link del "$IF" 2>/dev/null || true
	ip link del "$IF2" 2>/dev/null || true
}

setup() {
	[ -n "${VM_GUEST:-}" ] || skip "runs only in the VM lab (tests/vm/check-vm)"
}

# Leave the interfaces bare for the next test, whoever attached what. A test that
# used xdp-filter or $IF2 says so in FILTER / USED_IF2.
teardown() {
	local i ns
	for ns in ${CLEAN_NS:-}; do ip netns del "$ns" 2>/dev/null || true; done
	if [ -n "${FILTER:-}" ]; then xdp-filter unload "$IF" >/dev/null 2>&1 || true; fi
	for i in "$IF" ${USED_IF2:+"$IF2"}; do
		"$XDPLOAD" unload "$i" --all --force >/dev/null 2>&1 ||
			xdp-loader unload "$i" --all >/dev/null 2>&1 || true
	done
}

# Read xdpload's status of an interface (default $IF) into BACKEND, DISP (the
# dispatcher's ID) and, comma-separated in chain order, NAMES, PRIOS, IDS and
# ACTIONS (each program's chain actions joined by '+').
status_of() {
	local line
	line=$("$XDPLOAD" status "${1:-$IF}" --json | jq -r --arg i "${1:-$IF}" '
		if type == "array" then .[] else . end | select(.interface == $i) |
		[.backend, .dispatcher_id,
		 ([.programs[].name] | join(",")),
		 ([.programs[] | .priority // "-" | tostring] | join(",")),
		 ([.programs[].id | tostring] | join(",")),
		 ([.programs[] | (.chain_actions // .actions) | join("+")] | join(","))]
		| map(tostring) | join("|")')
	echo "status ${1:-$IF}: $line"
	IFS='|' read -r BACKEND DISP NAMES PRIOS IDS ACTIONS <<<"$line"
	[ -n "$BACKEND" ]
}

# The ID of the program NAME in the last status_of.
id_of() {
	local -a n i
	local k
	IFS=, read -ra n <<<"$NAMES"
	IFS=, read -ra i <<<"$IDS"
	for k in "${!n[@]}"; do
		if [ "${n[k]}" = "$1" ]; then
			echo "${i[k]}"
			return 0
		fi
	done
	echo "no program $1 in status" >&2
	return 1
}

# The ID of the program the kernel runs on an interface (0 for none).
attached_id() {
	local out
	out=$(ip link show dev "${1:-$IF}")
	if [[ $out =~ prog/xdp\ id\ ([0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; else echo 0; fi
}

# Packets the bundled count program with this ID saw, summed over CPUs.
count_packets() {
	local out m
	out=$(bpftool prog show id "$1")
	[[ $out =~ map_ids\ ([0-9,]+) ]] || { echo "program $1 uses no map" >&2; return 1; }
	for m in ${BASH_REMATCH[1]//,/ }; do
		[[ $(bpftool map show id "$m") == *"name xdpl_count_map "* ]] || continue
		bpftool map dump id "$m" |
			awk '$1 == "\"packets\":" { n += $2 + 0 } END { print n + 0 }'
		return 0
	done
	echo "program $1 has no xdpl_count_map" >&2
	return 1
}

# Assert what the count program with this ID saw.
expect_count() {
	local got
	got=$(count_packets "$1")
	echo "count (id $1) saw $got packets, expected $2"
	[ "$got" -eq "$2" ]
}

# Three pings from the namespace that all come back.
pings_pass() {
	ip netns exec "$NS" ping -q -c 3 -i 0.1 -w 3 "$ADDR" >/dev/null
}

# Three pings that are all lost (-W, not -w: exactly three are sent).
pings_lost() {
	! ip netns exec "$NS" ping -q -c 3 -i 0.1 -W 0.3 "$ADDR" >/dev/null
}

# "PRIO ID" of program NAME in xdp-loader status output held in $out
# (its rows: " => PRIO NAME ID TAG ACTIONS").
loader_row() {
	local arrow prio name id rest
	while read -r arrow prio name id rest; do
		if [ "$arrow" = "=>" ] && [ "$name" = "$1" ]; then
			echo "$prio $id"
			return 0
		fi
	done <<<"$out"
	return 1
}

# Load with the linked backend.
load_linked() {
	run "$XDPLOAD" load --dispatcher linked "$@"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "--dispatcher auto picks libxdp on a kernel that runs freplace" {
	run "$XDPLOAD" load "$IF" count pass
	echo "$output"
	[ "$status" -eq 0 ]
	status_of
	[ "$BACKEND" = libxdp ]
	[ "$DISP" -gt 0 ]
	[ "$NAMES" = count,pass ]
	out=$(ip link show dev "$IF")
	[[ $out == *"prog/xdp id $DISP name xdp_dispatcher "* ]]
}

@test "libxdp: three programs run in priority order with their chain actions" {
	# Loaded out of order, one command each; drop chains on XDP_DROP too.
	"$XDPLOAD" load --dispatcher libxdp -P 30 "$IF" count
	"$XDPLOAD" load --dispatcher libxdp -P 20 -A XDP_PASS,XDP_DROP "$IF" drop
	"$XDPLOAD" load --dispatcher libxdp -P 10 "$IF" pass
	status_of
	[ "$BACKEND" = libxdp ]
	[ "$DISP" = "$(attached_id)" ]
	[ "$NAMES" = pass,drop,count ]
	[ "$PRIOS" = 10,20,30 ]
	[[ $ACTIONS == XDP_PASS,*XDP_DROP*,XDP_PASS ]]
	IFS=, read -r a b c <<<"$IDS"
	[ "$a" -gt 0 ]
	[ "$b" -gt 0 ]
	[ "$c" -gt 0 ]
	[ "$(printf '%s\n' "$a" "$b" "$c" "$DISP" | sort -u | wc -l)" = 4 ]
	# drop's XDP_DROP chains on to count, whose XDP_PASS ends the chain.
	pings_pass
	expect_count "$c" 3
}

@test "libxdp: the first action not chained is the verdict, lower priority first" {
	"$XDPLOAD" load --dispatcher libxdp -P 10 "$IF" count
	"$XDPLOAD" load --dispatcher libxdp -P 20 "$IF" drop
	pings_lost
	status_of
	expect_count "$(id_of count)" 3

	# Behind drop, count no longer sees the packets.
	"$XDPLOAD" unload "$IF" -n count
	"$XDPLOAD" load --dispatcher libxdp -P 30 "$IF" count
	status_of
	[ "$NAMES" = drop,count ]
	pings_lost
	expect_count "$(id_of count)" 0
}

@test "interop: xdp-loader and xdpload see and unload each other's programs" {
	xdp-loader load "$IF" "$PROGS/pass.o"
	"$XDPLOAD" load "$IF" count
	status_of
	[ "$BACKEND" = libxdp ]
	[ "$NAMES" = count,pass ]
	IFS=, read -r count_id pass_id <<<"$IDS"
	out=$(xdp-loader status "$IF")
	echo "$out"
	[ "$(loader_row count)" = "10 $count_id" ]
	[ "$(loader_row pass)" = "50 $pass_id" ]
	pings_pass
	expect_count "$count_id" 3

	# Each tool removes the other's program by ID.
	xdp-loader unload "$IF" -i "$count_id"
	status_of
	[ "$IDS" = "$pass_id" ]
	"$XDPLOAD" unload "$IF" -i "$pass_id"
	status_of
	[ -z "$NAMES" ]
	[ "$(attached_id)" = 0 ]
}

@test "interop: xdp-filter and xdpload share an interface" {
	FILTER=1
	xdp-filter load "$IF"
	"$XDPLOAD" load "$IF" count
	status_of
	[ "$BACKEND" = libxdp ]
	# Both priority 10: count sorts first by name.
	[[ $NAMES == count,xdpfilt_* ]]
	count_id=$(id_of count)
	pings_pass

	xdp-filter ip "$PEER_ADDR" -m src
	pings_lost
	expect_count "$count_id" 6

	xdp-filter unload "$IF"
	status_of
	[ "$NAMES" = count ]
	pings_pass
}

@test "linked backend on the stock kernel: count and drop, status, unload" {
	load_linked "$IF" count drop
	status_of
	[ "$BACKEND" = linked ]
	[ "$NAMES" = count,drop ]
	[ "$DISP" = "$(attached_id)" ]
	pings_lost
	expect_count "$(id_of count)" 3

	"$XDPLOAD" unload "$IF" -n drop
	status_of
	[ "$NAMES" = count ]
	pings_pass
	"$XDPLOAD" unload "$IF" --all
	[ "$(attached_id)" = 0 ]
}

@test "libxdp: status and stats say what the kernel cannot count; count's own packets and bytes" {
	"$XDPLOAD" load --dispatcher libxdp "$IF" count drop
	pings_lost
	run "$XDPLOAD" status "$IF"
	echo "$output"
	[[ "$output" == *"counters: libxdp's dispatcher counts nothing per program"*"--dispatcher linked"* ]]
	[[ "$output" == *"packets: XDP_PASS=3  bytes: XDP_PASS="*"(its own count)"* ]]
	[ "$("$XDPLOAD" status "$IF" --json | jq -r '.[0] | [.counters, .programs[0].packets.XDP_PASS,
		.programs[0].bytes.XDP_PASS > 0, (.programs[1] | has("packets"))] | map(tostring) | join(" ")')" = \
		"unavailable 3 true false" ]
	run "$XDPLOAD" stats "$IF" -c 1 -i 0.2
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"only the programs' own counts: libxdp's dispatcher"* ]]
	[[ "$output" == *"(not counted)"* ]]
	"$XDPLOAD" unload "$IF" -n count
	run "$XDPLOAD" stats "$IF" -c 1 -i 0.2
	[ "$status" -eq 1 ]
	[[ "$output" == *"nothing counts here: libxdp's dispatcher"* ]]
}

@test "test on the stock kernel: the programs composed, and the libxdp chain attached" {
	pcap="$BATS_TEST_TMPDIR/in.pcap"
	python3 "$BATS_TEST_DIRNAME/../lib/pktgen.py" write "$pcap" icmp udp,dport=53 arp
	run "$XDPLOAD" test --pcap "$pcap" count drop
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *": count pass, drop drop => XDP_DROP by drop" ]]
	"$XDPLOAD" load --dispatcher libxdp "$IF" count drop
	run "$XDPLOAD" test --iface "$IF" --pcap "$pcap" --expect drop --json
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r '[.source, .traced, .verdicts.XDP_DROP, (.packets[0].decided_by // "?"),
		(.note | test("--dispatcher linked"))] | map(tostring) | join(" ")' <<<"$output")" = \
		"libxdp false 3 ? true" ]
}

# ns per packet through BPF_PROG_TEST_RUN; prints "RETVAL NS".
test_run() {
	local out
	out=$(bpftool prog run id "$1" data_in "$PKT" repeat "${REPEAT:-500000}")
	[[ $out =~ Return\ value:\ ([0-9]+),\ duration\ \(average\):\ ([0-9]+)ns ]] &&
		echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
}

@test "data path: libxdp dispatcher vs linked chain of the same programs" {
	USED_IF2=1
	load_linked "$IF2" count pass drop
	"$XDPLOAD" load --dispatcher libxdp "$IF" count pass drop
	linked_id=$(attached_id "$IF2")
	libxdp_id=$(attached_id "$IF")
	PKT=$(mktemp)
	head -c 64 /dev/zero >"$PKT"
	lx=999999999 ln=999999999
	for _ in 1 2 3; do
		read -r rc ns <<<"$(test_run "$libxdp_id")"
		[ "$rc" = 1 ] # XDP_DROP: all three ran
		if [ "$ns" -lt "$lx" ]; then lx=$ns; fi
		read -r rc ns <<<"$(test_run "$linked_id")"
		[ "$rc" = 1 ]
		if [ "$ns" -lt "$ln" ]; then ln=$ns; fi
	done
	rm -f "$PKT"
	line=$(awk -v a="$lx" -v b="$ln" 'BEGIN {
		printf "check-vm: data path (count,pass,drop; best of 3, under emulation): " \
		       "libxdp %d ns, linked %d ns per packet; linked/libxdp = %.2f", a, b, b / a }')
	echo "# $line" >&3
	if [ -n "${VM_RESULTS:-}" ]; then echo "$line" >"$VM_RESULTS/datapath.txt"; fi
}

TPROGS=${TPROGS:-$BATS_TEST_DIRNAME/../../build/tests/progs}

@test "libxdp: any section, maps pinned by name with a devmap, frags with the bundled programs" {
	"$XDPLOAD" load -s xdp_drop "$IF" "$TPROGS/compat_drop.o"
	status_of
	[ "$BACKEND" = libxdp ]
	[ "$NAMES" = xdp_drop_prog ]
	pings_lost
	"$XDPLOAD" unload "$IF" --all
	"$XDPLOAD" load -s xdp_stats1 "$IF" count "$TPROGS/compat_stats.o"
	status_of
	[ "$NAMES" = count,xdp_stats1_func ]
	pings_pass
	"$XDPLOAD" unload "$IF" --all
	# libxdp's chains are xdp-loader's: its maps pinned by name go where xdp-loader's do
	"$XDPLOAD" load -s xdp_redirect_map "$IF" "$TPROGS/compat_pinned.o"
	[ -e /sys/fs/bpf/compat_tx_port ]
	"$XDPLOAD" load "$IF" pass
	"$XDPLOAD" unload "$IF" --all
	# the pinned devmap again: libbpf 1.1 alone refuses to reuse it
	run "$XDPLOAD" load -s xdp_redirect_map "$IF" "$TPROGS/compat_pinned.o"
	echo "$output"
	[ "$status" -eq 0 ]
	"$XDPLOAD" unload "$IF" --all
	rm -f /sys/fs/bpf/compat_pin_cnt /sys/fs/bpf/compat_tx_port
	# an xdp.frags program next to the bundled programs
	run "$XDPLOAD" load "$IF" count "$TPROGS/linked_frags.o" pass
	echo "$output"
	[ "$status" -eq 0 ]
	status_of
	[ "$NAMES" = count,lk_frags,pass ]
	pings_pass
}

@test "LIBXDP_SKIP_DISPATCHER=1: one program alone; a second load is refused" {
	LIBXDP_SKIP_DISPATCHER=1 "$XDPLOAD" load "$IF" drop
	status_of
	[ "$BACKEND" = legacy ]
	[ "$DISP" = 0 ]
	[ "$PRIOS" = "-" ]
	run "$XDPLOAD" load "$IF" pass
	[ "$status" -eq 9 ]
	[[ "$output" == *"runs alone, without a dispatcher"* ]]
}

# Two namespaces whose veth has the same ifindex (the first after lo in each).
CLEAN_NS="xdpl-cna xdpl-cnb"

@test "libxdp: clean in one namespace keeps another's live dispatcher of the same ifindex" {
	local ns idx=""
	for ns in $CLEAN_NS; do
		ip netns add "$ns"
		ip -n "$ns" link add v0 type veth peer name v1
		ip -n "$ns" link set v0 up
		ip -n "$ns" link set v1 up
		ip netns exec "$ns" "$XDPLOAD" load v0 count pass
		idx+="$(ip -n "$ns" -o link show v0 | cut -d: -f1) "
	done
	read -r a b <<<"$idx"
	echo "ifindexes: $a $b"
	[ "$a" = "$b" ]
	dirs() { ls /sys/fs/bpf/xdp | grep -c "^dispatch-$a-"; }
	[ "$(dirs)" -eq 2 ]
	ip netns exec xdpl-cna "$XDPLOAD" clean
	[ "$(dirs)" -eq 2 ]
	out=$(ip netns exec xdpl-cnb "$XDPLOAD" status v0 --json)
	[ "$(jq -r '.[0].backend + ":" + ([.[0].programs[].name] | join(","))' <<<"$out")" = libxdp:count,pass ]
	# the other namespace gone, its pins go; ours stay
	ip netns del xdpl-cnb
	ip netns exec xdpl-cna "$XDPLOAD" clean
	[ "$(dirs)" -eq 1 ]
	ip netns exec xdpl-cna "$XDPLOAD" status v0 --json | jq -e '.[0].programs | length == 2'
	ip netns exec xdpl-cna "$XDPLOAD" unload v0 --all
	ip netns del xdpl-cna
}

# ---- apply with backend: libxdp (xdpload-apply(8), BACKENDS) ----

TPROGS=${TPROGS:-$BATS_TEST_DIRNAME/../../build/tests/progs}

# A libxdp chain file for $IF: a filter dropping the peer's pings (rule $1,
# default the peer's address), then count; $2 lines for $IF2 (optional).
lx_file() {
	cat >"$BATS_TEST_TMPDIR/c.yaml" <<-EOF
		version: 1
		interfaces:
		  $IF:
		    mode: skb
		    backend: libxdp
		    programs:
		      - program: filter
		        priority: 10
		        filter:
		          policy: allow
		          rules:
		            - ip: ${1:-$PEER_ADDR}
		              dir: src
		      - program: count
		        priority: 20
		$2
	EOF
}

@test "apply backend: libxdp: builds the chain; again, --check and save | apply change nothing" {
	lx_file
	run "$XDPLOAD" apply "$BATS_TEST_TMPDIR/c.yaml"
	echo "$output"
	[ "$status" -eq 0 ]
	status_of
	[ "$BACKEND" = libxdp ]
	[ "$NAMES" = filter,count ]
	[ "$PRIOS" = 10,20 ]
	[ "$(attached_id)" = "$DISP" ]
	pings_lost
	disp=$DISP ids=$IDS
	run "$XDPLOAD" apply "$BATS_TEST_TMPDIR/c.yaml"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run "$XDPLOAD" apply --check "$BATS_TEST_TMPDIR/c.yaml"
	[ "$status" -eq 0 ]
	"$XDPLOAD" save "$IF" >"$BATS_TEST_TMPDIR/s.yaml"
	cat "$BATS_TEST_TMPDIR/s.yaml"
	grep -q '^    backend: libxdp$' "$BATS_TEST_TMPDIR/s.yaml"
	grep -q "ip: \"$PEER_ADDR/32\"" "$BATS_TEST_TMPDIR/s.yaml"
	run "$XDPLOAD" apply "$BATS_TEST_TMPDIR/s.yaml"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	status_of
	[ "$DISP" = "$disp" ]
	[ "$IDS" = "$ids" ]
	# a file that moves the chain to the other backend is refused, nothing changes
	sed 's/backend: libxdp/backend: linked/' "$BATS_TEST_TMPDIR/c.yaml" >"$BATS_TEST_TMPDIR/l.yaml"
	run "$XDPLOAD" apply "$BATS_TEST_TMPDIR/l.yaml"
	echo "$output"
	[ "$status" -eq 8 ]
	[[ $output == *"runs a libxdp chain"*"'xdpload unload $IF --all' first"* ]]
	status_of
	[ "$DISP" = "$disp" ]
	[ "$IDS" = "$ids" ]
}

@test "apply backend: libxdp: a rules-only change goes through the maps; a priority change keeps the others" {
	lx_file
	"$XDPLOAD" apply "$BATS_TEST_TMPDIR/c.yaml"
	status_of
	disp=$DISP ids=$IDS
	pings_lost
	lx_file 192.0.2.99
	run "$XDPLOAD" apply --check "$BATS_TEST_TMPDIR/c.yaml"
	[ "$status" -eq 12 ]
	run "$XDPLOAD" apply "$BATS_TEST_TMPDIR/c.yaml"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"filter: add ip src 192.0.2.99/32"* ]]
	[[ $output != *"add filter"* ]]
	status_of
	[ "$DISP" = "$disp" ]
	[ "$IDS" = "$ids" ]
	pings_pass
	run "$XDPLOAD" apply --check "$BATS_TEST_TMPDIR/c.yaml"
	[ "$status" -eq 0 ]
	# count moves behind a new priority: filter keeps its ID and rules
	sed -i 's/priority: 20/priority: 5/' "$BATS_TEST_TMPDIR/c.yaml"
	"$XDPLOAD" apply "$BATS_TEST_TMPDIR/c.yaml"
	status_of
	[ "$NAMES" = count,filter ]
	[ "$(id_of filter)" = "${ids%%,*}" ]
	[ "$DISP" != "$disp" ]
	"$XDPLOAD" filter "$IF" list | grep -q '192.0.2.99/32'
}

@test "apply backend: libxdp is all or nothing across interfaces" {
	USED_IF2=1
	lx_file
	"$XDPLOAD" apply "$BATS_TEST_TMPDIR/c.yaml"
	status_of
	disp=$DISP ids=$IDS
	# a program the verifier rejects on $IF2: nothing changes anywhere
	lx_file 192.0.2.99 "$(printf '  %s:\n    mode: skb\n    backend: libxdp\n    programs:\n      - program: %s' "$IF2" "$TPROGS/bad_verifier.o")"
	run "$XDPLOAD" apply "$BATS_TEST_TMPDIR/c.yaml"
	echo "$output"
	[ "$status" -eq 6 ]
	status_of
	[ "$DISP" = "$disp" ]
	[ "$IDS" = "$ids" ]
	[ "$(attached_id "$IF2")" = 0 ]
	"$XDPLOAD" filter "$IF" list | grep -q "$PEER_ADDR/32"
	pings_lost
	# a swap that fails on $IF2 (after $IF's, the fixed order) puts $IF's programs back
	sed -i "s|$TPROGS/bad_verifier.o|drop|; s/priority: 20/priority: 30/" "$BATS_TEST_TMPDIR/c.yaml"
	run env XDPLOAD_FAIL=apply:swap:2 "$XDPLOAD" apply "$BATS_TEST_TMPDIR/c.yaml"
	echo "$output"
	[ "$status" -ne 0 ]
	status_of
	[ "$IDS" = "$ids" ]
	[ "$PRIOS" = 10,20 ]
	[ "$(attached_id "$IF2")" = 0 ]
	pings_lost
	run "$XDPLOAD" apply "$BATS_TEST_TMPDIR/c.yaml"
	[ "$status" -eq 0 ]
	status_of "$IF2"
	[ "$BACKEND" = libxdp ]
	[ "$NAMES" = drop ]
}

@test "count on 6.1 (no bpf_cast_to_kern_ctx): every frame's bytes, multi-buffer ones whole" {
	# the unit test of the host, here where count's xdp_buff branch is dead code
	run "$BATS_TEST_DIRNAME/../../build/tests/test_count"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"[  PASSED  ] 2 test(s)."* ]]
}
