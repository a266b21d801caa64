#!/usr/bin/env bats
# xdpload filter: runtime rules of the bundled filter program, checked with real
# traffic from host A to host B (tests/lib/lab.bash), filter attached on B.

load lib/lab

OTHER_NET=198.51.100.7

SETS=/sys/fs/bpf/xdpload/sets

setup()
{
	[ "$(id -u)" = 0 ] || skip "needs root"
	SETS_BEFORE=$(ls "$SETS" 2>/dev/null | sort)
	lab_up
	xdpl_b load veth0 filter
}

teardown()
{
	local s
	lab_down
	# the rule sets a test made (a failed one may leave them)
	for s in $(comm -13 <(echo "$SETS_BEFORE") <(ls "$SETS" 2>/dev/null | sort)); do
		rm -rf "${SETS:?}/$s"
	done
	rmdir "$SETS" 2>/dev/null || true
}

# A second link between A and B: veth1, 198.18.0.1 (A) and 198.18.0.2 (B).
second_link()
{
	ip -n "$LAB_A" link add veth1 type veth peer name veth1 netns "$LAB_B" &&
		ip -n "$LAB_A" addr add 198.18.0.1/24 dev veth1 && ip -n "$LAB_A" link set veth1 up &&
		ip -n "$LAB_B" addr add 198.18.0.2/24 dev veth1 && ip -n "$LAB_B" link set veth1 up &&
		ip -n "$LAB_A" neigh replace 198.18.0.2 lladdr "$(ip -n "$LAB_B" -j link show veth1 | jq -r '.[0].address')" dev veth1 nud permanent
}

# hits KIND DIR RULE: the hit counter of one rule, from list --json
hits()
{
	xdpl_b filter veth0 list --json |
		jq -e --arg k "$1" --arg d "$2" --arg r "$3" \
			'.rules[] | select(.kind == $k and .dir == $d and .rule == $r) | .hits'
}

nrules()
{
	xdpl_b filter veth0 list --json | jq '.rules | length'
}

# udp_received PORT COUNT [DST]: send COUNT datagrams from A (bash /dev/udp, a new
# socket and source port each) to B:PORT; prints how many B's socket received.
udp_received()
{
	local port=$1 count=$2 dst=${3:-$LAB_IP_B} out i

	out="$BATS_TEST_TMPDIR/udp.$port.$RANDOM"

	on_b python3 -c '
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[2] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((sys.argv[2], int(sys.argv[1])))
open(sys.argv[3] + ".ready", "w").close()
s.settimeout(1.0)
n = 0
try:
    while True:
        s.recv(2048)
        n += 1
except socket.timeout:
    pass
open(sys.argv[3], "w").write("%d\n" % n)
' "$port" "$dst" "$out" &
	for i in $(seq 50); do [ -e "$out.ready" ] && break; sleep 0.05; done
	for i in $(seq "$count"); do
		on_a bash -c "echo datagram-$i > /dev/udp/$dst/$port"
	done
	wait
	cat "$out"
}

@test "a /24 deny rule blocks pings from that network only, counts them, and del restores" {
	lab_add_addr_a "$OTHER_NET"
	ping_ok 3
	run xdpl_b filter veth0 ip add 192.0.2.0/24 --src
	[ "$status" -eq 0 ]
	ping_none 5
	ping_ok 3 -I "$OTHER_NET"
	run hits ip src 192.0.2.0/24
	[ "$output" -eq 5 ]
	run xdpl_b filter veth0 ip del 192.0.2.0/24 --src
	[ "$status" -eq 0 ]
	ping_ok 3
	[ "$(nrules)" -eq 0 ]
}

@test "an IPv6 /64 deny rule blocks ping6 and counts it; another /64 does not" {
	on_a ping -c 2 -i 0.01 -W 1 "$LAB_IP6_B" >/dev/null
	xdpl_b filter veth0 ip add 2001:db8:1::/64 -m src
	on_a ping -c 2 -i 0.01 -W 1 "$LAB_IP6_B" >/dev/null
	[ "$(hits ip src 2001:db8:1::/64)" -eq 0 ]
	xdpl_b filter veth0 ip 2001:db8::/64 -m src
	run on_a ping -c 4 -i 0.01 -W 1 "$LAB_IP6_B"
	[[ "$output" == *" 0 received"* ]]
	[ "$(hits ip src 2001:db8::/64)" -eq 4 ]
	xdpl_b filter veth0 ip 2001:db8::/64 -r
	on_a ping -c 2 -i 0.01 -W 1 "$LAB_IP6_B" >/dev/null
}

@test "a destination prefix rule matches the destination address" {
	xdpl_b filter veth0 ip add 192.0.2.2/32 --dst
	ping_none 3
	[ "$(hits ip dst 192.0.2.2/32)" -eq 3 ]
	# removing the source direction removes nothing (and succeeds, as in xdp-filter)
	run xdpl_b filter veth0 ip 192.0.2.2/32 -m src -r
	[ "$status" -eq 0 ]
	ping_none 2
	xdpl_b filter veth0 ip del 192.0.2.2/32 --dst
	ping_ok 3
}

@test "a UDP destination port rule drops real UDP datagrams to that port only" {
	[ "$(udp_received 5353 5)" -eq 5 ]
	xdpl_b filter veth0 port add 5353 --udp
	[ "$(udp_received 5353 6)" -eq 0 ]
	[ "$(hits port dst 5353/udp)" -eq 6 ]
	[ "$(udp_received 5354 4)" -eq 4 ]
	# --udp added no TCP rule
	run hits port dst 5353/tcp
	[ "$status" -ne 0 ]
	xdpl_b filter veth0 port del 5353 --udp
	[ "$(udp_received 5353 3)" -eq 3 ]
}

@test "a port rule without --tcp/--udp covers both protocols, over IPv6 too" {
	xdpl_b filter veth0 port add 53
	[ "$(nrules)" -eq 2 ]
	[ "$(udp_received 53 3 "$LAB_IP6_B")" -eq 0 ]
	[ "$(hits port dst 53/udp)" -eq 3 ]
	[ "$(hits port dst 53/tcp)" -eq 0 ]
	xdpl_b filter veth0 port del 53
	[ "$(nrules)" -eq 0 ]
}

@test "a source port rule matches the sender's port" {
	xdpl_b filter veth0 port add 7777 --src --udp
	on_a python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7777))
for i in range(4):
    s.sendto(b"x", ("192.0.2.2", 9999))
'
	[ "$(hits port src 7777/udp)" -eq 4 ]
}

@test "MAC rules: a destination MAC rule counts exactly, a source MAC rule blocks the sender" {
	xdpl_b filter veth0 ether add "$LAB_MAC_B" --dst
	ping_none 4
	[ "$(hits ether dst $LAB_MAC_B)" -eq 4 ]
	xdpl_b filter veth0 ether del "$LAB_MAC_B" --dst
	ping_ok 3
	xdpl_b filter veth0 ether add 02:00:00:00:00:01 --src
	ping_none 4
	# at least the pings; A may also send IPv6 router solicitations meanwhile
	[ "$(hits ether src 02:00:00:00:00:01)" -ge 4 ]
	xdpl_b filter veth0 ether del 02:00:00:00:00:01 --src
	ping_ok 3
}

@test "policy deny drops every frame not listed and passes what is" {
	lab_add_addr_a "$OTHER_NET"
	xdpl_b filter veth0 ip add "$OTHER_NET/32" -m src
	xdpl_b filter veth0 policy deny
	[ "$(xdpl_b filter veth0 policy)" = deny ]
	ping_none 3
	run on_a ping -c 2 -i 0.01 -W 1 "$LAB_IP6_B"
	[[ "$output" == *" 0 received"* ]]
	[ "$(udp_received 5353 3)" -eq 0 ]
	ping_ok 3 -I "$OTHER_NET"
	[ "$(hits ip src $OTHER_NET/32)" -eq 3 ]
	[ "$(xdpl_b filter veth0 list --json | jq -r .policy)" = deny ]
	xdpl_b filter veth0 policy allow
	ping_ok 3
}

# send_arp OP SENDER_IP TARGET_IP: an ARP request (1) or reply (2) from A's MAC
send_arp()
{
	on_a python3 -c '
import socket, struct, sys
mac_a = bytes.fromhex("020000000001")
op = int(sys.argv[1])
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, mac_a,
                  socket.inet_aton(sys.argv[2]), bytes(6), socket.inet_aton(sys.argv[3]))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("veth0", 0))
s.send(b"\xff" * 6 + mac_a + struct.pack("!H", 0x0806) + arp)
' "$@"
}

# send_ns SOURCE_IP6 TARGET_IP6: a (unicast) IPv6 neighbour solicitation from A's MAC to B's
send_ns()
{
	on_a python3 -c '
import socket, struct, sys
mac_a = bytes.fromhex("020000000001")
src = socket.inet_pton(socket.AF_INET6, sys.argv[1])
tgt = socket.inet_pton(socket.AF_INET6, sys.argv[2])
dst = tgt
body = struct.pack("!BBHI", 135, 0, 0, 0) + tgt + bytes([1, 1]) + mac_a
ph = src + dst + struct.pack("!IxxxB", len(body), 58)
c = sum(struct.unpack("!%dH" % ((len(ph) + len(body)) // 2), ph + body))
while c >> 16:
    c = (c & 0xffff) + (c >> 16)
body = body[:2] + struct.pack("!H", ~c & 0xffff) + body[4:]
ip6 = struct.pack("!IHBB", 6 << 28, len(body), 58, 255) + src + dst
eth = bytes.fromhex("020000000002") + mac_a + struct.pack("!H", 0x86dd)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("veth0", 0))
s.send(eth + ip6 + body)
' "$@"
}

# learnt ADDR: B has a neighbour entry for ADDR (its stack got A's ARP or NS)
learnt()
{
	sleep 0.2
	[ -n "$(ip -n "$LAB_B" neigh show "$1")" ]
}

@test "VLAN-tagged frames (802.1Q and 802.1ad+802.1Q) are parsed" {
	xdpl_b filter veth0 ip add 10.10.0.0/24 -m src
	# raw frames from A's veth0: one 802.1Q tag, then two tags (QinQ)
	on_a python3 -c '
import socket, struct
def ip4(src, dst):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 0, 0, 64, 17, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h + struct.pack("!HHHH", 1000, 2000, 8, 0)
eth = bytes.fromhex("020000000002" "020000000001")
q = struct.pack("!HH", 0x8100, 10)
ad = struct.pack("!HH", 0x88a8, 20)
p = ip4("10.10.0.1", "10.10.0.2")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("veth0", 0))
for i in range(3):
    s.send(eth + q + struct.pack("!H", 0x0800) + p)
for i in range(2):
    s.send(eth + ad + q + struct.pack("!H", 0x0800) + p)
'
	[ "$(hits ip src 10.10.0.0/24)" -eq 5 ]
}

@test "in a chain: rules apply through the component's maps and survive a rebuild" {
	xdpl_b unload veth0 --all
	xdpl_b load veth0 count filter
	xdpl_b filter veth0 ip add 192.0.2.0/24
	ping_none 3
	[ "$(hits ip dst 192.0.2.0/24)" -eq 3 ]
	# adding a program rebuilds the chain: the rules and their counters stay
	xdpl_b load veth0 watch
	[ "$(xdpl_b status veth0 --json | jq '[.[0].programs[].name] | length')" -eq 3 ]
	ping_none 2
	[ "$(hits ip dst 192.0.2.0/24)" -eq 5 ]
	xdpl_b filter veth0 ip del 192.0.2.0/24
	ping_ok 3
}

@test "concurrent adds get distinct rules and counters" {
	local p
	for p in $(seq 1000 1011); do
		xdpl_b filter veth0 port add "$p" &
	done
	wait
	[ "$(nrules)" -eq 24 ]
	[ "$(xdpl_b filter veth0 list --json | jq '[.rules[].id] | unique | length')" -eq 24 ]
}

@test "bad rules are refused with exit 2 and change nothing" {
	xdpl_b filter veth0 ip add 192.0.2.0/24
	for args in "ip add 10.0.0.300/24" "ip add 10.0.0.0/33" "ip add 10.0.0.5/24" \
		"ip add 2001:db8::/129" "ip add nonsense" "port add 0" "port add 65536" \
		"port add 53x" "port add -1" "ether add aa:bb:cc:dd:ee" "ether add aa:bb:cc:dd:ee:fg" \
		"ether add aa-bb-cc-dd-ee-ff" "ip frob 10.0.0.0/8" "route add 10.0.0.0/8" \
		"ip add" "policy maybe" "ip add 10.0.0.0/8 --tcp" "port 53 -m up" "port 53 -p icmp" \
		"ip 10.0.0.0/8 -p tcp" "neigh maybe" "flush now" "list -r" \
		"ip add 10.0.0.0/8 --bogus" "ip del 192.0.2.0/24 --json"; do
		# shellcheck disable=SC2086
		run xdpl_b filter veth0 $args
		echo "filter $args -> $status: $output"
		[ "$status" -eq 2 ]
		if [[ "$args" == *--json* ]]; then
			# under --json the error is JSON too, on stdout
			[ "$(jq -r .kind <<<"$output")" = usage ]
			[ "$(jq -r .exit_code <<<"$output")" = 2 ]
			[[ "$(jq -r .error <<<"$output")" == *"--json"* ]]
		else
			[[ "$output" == *"xdpload filter: "* ]]
		fi
	done
	run xdpl_b filter veth0 port add 70000
	[[ "$output" == *"70000"*"1..65535"* ]]
	run xdpl_b filter veth0 ip add 10.0.0.5/24
	[[ "$output" == *"did you mean 10.0.0.0/24"* ]]
	[ "$(nrules)" -eq 1 ]
	[ "$(xdpl_b filter veth0 policy)" = allow ]
}

@test "deleting a rule that does not exist succeeds (as in xdp-filter); adding one twice keeps its counter" {
	run xdpl_b filter veth0 ip del 203.0.113.0/24
	[ "$status" -eq 0 ]
	[[ "$output" == *"no rule ip 203.0.113.0/24: nothing to remove"* ]]
	run xdpl_b filter veth0 port 80 -r
	[ "$status" -eq 0 ]
	xdpl_b filter veth0 ip add 192.0.2.0/24
	ping_none 2
	run xdpl_b filter veth0 ip add 192.0.2.0/24
	[ "$status" -eq 0 ]
	[[ "$output" == *"already present"* ]]
	[ "$(hits ip dst 192.0.2.0/24)" -eq 2 ]
	[ "$(nrules)" -eq 1 ]
}

@test "a rule re-added after deletion counts from zero" {
	xdpl_b filter veth0 ip add 192.0.2.0/24
	ping_none 3
	xdpl_b filter veth0 ip del 192.0.2.0/24
	xdpl_b filter veth0 ip add 192.0.2.0/24
	[ "$(hits ip dst 192.0.2.0/24)" -eq 0 ]
}

@test "list shows every rule with its counter, text and JSON" {
	xdpl_b filter veth0 ip add 192.0.2.0/24 --src
	xdpl_b filter veth0 ip add 2001:db8::/64 --dst
	xdpl_b filter veth0 port add 80 --tcp
	xdpl_b filter veth0 ether add aa:bb:cc:dd:ee:ff --src
	ping_none 2
	run xdpl_b filter veth0 list
	[ "$status" -eq 0 ]
	[[ "$output" == *"policy allow, 4 rules"* ]]
	[[ "$output" =~ ip\ +src\ +192\.0\.2\.0/24\ +2\  ]]
	[[ "$output" =~ ip\ +dst\ +2001:db8::/64\ +0 ]]
	[[ "$output" =~ port\ +dst\ +80/tcp\ +0 ]]
	[[ "$output" =~ ether\ +src\ +aa:bb:cc:dd:ee:ff\ +0 ]]
	run xdpl_b filter veth0 port list --json
	[ "$(echo "$output" | jq '.rules | length')" -eq 1 ]
	[ "$(echo "$output" | jq -r '.rules[0].proto')" = tcp ]
	[ "$(echo "$output" | jq -r '.rules[0].port')" = 80 ]
}

@test "filter not loaded exits 10, unknown interface exits 5" {
	xdpl_b unload veth0 --all
	run xdpl_b filter veth0 ip add 10.0.0.0/8
	[ "$status" -eq 10 ]
	[[ "$output" == *"no 'filter' program attached"* ]]
	run xdpl_b filter nosuch0 list
	[ "$status" -eq 5 ]
}

@test "policies with and without rules: allow passes what matches no rule, deny drops it" {
	# allow (the default), no rules: everything passes
	[ "$(xdpl_b filter veth0 policy)" = allow ]
	ping_ok 3
	# allow, a rule: it drops
	xdpl_b filter veth0 ip "$LAB_IP_B"
	ping_none 3
	# deny, the same rule: it is the only thing that passes
	xdpl_b filter veth0 policy deny
	ping_ok 3
	[ "$(udp_received 5353 3 "$LAB_IP6_B")" -eq 0 ]
	# deny, no rules: nothing passes
	xdpl_b filter veth0 flush
	[ "$(nrules)" -eq 0 ]
	ping_none 3
	run xdpl_b filter veth0 status --json
	[ "$(jq '.actions.XDP_DROP.packets' <<<"$output")" -ge 6 ]
	[ "$(jq -r '.policy' <<<"$output")" = deny ]
}

@test "load --policy deny drops from the first packet; status says so" {
	xdpl_b unload veth0 --all
	xdpl_b load -m skb veth0 filter --policy deny
	[ "$(xdpl_b filter veth0 policy)" = deny ]
	ping_none 3
	xdpl_b filter veth0 ip "$LAB_IP_A" -m src
	ping_ok 3
	run xdpl_b load veth0 filter --policy maybe
	[ "$status" -eq 2 ]
	[[ "$output" == *"--policy"*"allow or deny"* ]]
}

@test "ip and ether rules match the destination by default, -m src,dst both" {
	xdpl_b filter veth0 ip "$LAB_IP_A"
	ping_ok 3 # A's address is the source of its pings: a dst rule does not match
	[ "$(hits ip dst $LAB_IP_A/32)" -eq 0 ]
	xdpl_b filter veth0 ip "$LAB_IP_A" -r
	xdpl_b filter veth0 ether "$LAB_MAC_A"
	ping_ok 3
	xdpl_b filter veth0 ether "$LAB_MAC_A" -r
	xdpl_b filter veth0 ip "$LAB_IP_A" -m src,dst
	[ "$(nrules)" -eq 2 ]
	ping_none 3
	[ "$(hits ip src $LAB_IP_A/32)" -eq 3 ]
	xdpl_b filter veth0 ip "$LAB_IP_A" -r
	[ "$(nrules)" -eq 0 ]
	ping_ok 2
}

@test "removal by flags: -r alone removes every entry of the port, -m/-p clear only those bits" {
	local opts want
	while read -r opts want; do
		xdpl_b filter veth0 port 54321 -p tcp,udp -m src,dst
		[ "$(nrules)" -eq 4 ]
		xdpl_b filter veth0 status | grep -Eq "54321 +src,dst,tcp,udp"
		# shellcheck disable=SC2086
		xdpl_b filter veth0 port 54321 ${opts//_/ } -r
		if [ "$want" = none ]; then
			[ "$(nrules)" -eq 0 ]
		else
			echo "$opts -> $(xdpl_b filter veth0 status | grep 54321)"
			xdpl_b filter veth0 status | grep -Eq "54321 +$want "
		fi
		xdpl_b filter veth0 flush
	done <<-EOF
		-m_src dst,tcp,udp
		-m_dst src,tcp,udp
		-p_udp src,dst,tcp
		-m_src_-p_udp dst,tcp
		-m_dst_-p_tcp src,udp
		_ none
		-m_src,dst none
		-p_tcp,udp none
	EOF
}

@test "ARP: sender and target matched against ip rules in both policies; neigh off lets it through" {
	# allow policy: a rule for a sender drops its ARP (xdp-filter >= 1.5.7)
	xdpl_b filter veth0 ip 192.0.2.77 -m src
	send_arp 1 192.0.2.77 "$LAB_IP_B"
	! learnt 192.0.2.77
	[ "$(hits ip src 192.0.2.77/32)" -eq 1 ]
	send_arp 1 192.0.2.76 "$LAB_IP_B"
	learnt 192.0.2.76
	# a reply's target is a source address
	send_arp 2 192.0.2.5 192.0.2.77
	[ "$(hits ip src 192.0.2.77/32)" -eq 2 ]
	# a request's target is a destination: a dst rule for B's address drops requests for it
	xdpl_b filter veth0 ip "$LAB_IP_B"
	send_arp 1 192.0.2.75 "$LAB_IP_B"
	! learnt 192.0.2.75
	# the switch: ARP is not matched against ip rules and always passes
	xdpl_b filter veth0 neigh off
	[ "$(xdpl_b filter veth0 neigh)" = off ]
	send_arp 1 192.0.2.77 "$LAB_IP_B"
	learnt 192.0.2.77
	xdpl_b filter veth0 neigh on
	xdpl_b filter veth0 flush

	# deny policy, the lockout case: only A's address allowed, so ARP from others drops
	xdpl_b filter veth0 policy deny
	xdpl_b filter veth0 ip 192.0.2.70 -m src
	send_arp 1 192.0.2.70 "$LAB_IP_B"
	learnt 192.0.2.70
	send_arp 1 192.0.2.71 "$LAB_IP_B"
	! learnt 192.0.2.71
	# allowing B's own address (dst) lets every request for it in
	xdpl_b filter veth0 ip "$LAB_IP_B"
	send_arp 1 192.0.2.72 "$LAB_IP_B"
	learnt 192.0.2.72
	xdpl_b filter veth0 ip "$LAB_IP_B" -r
	# neigh off: ARP passes whatever the policy
	xdpl_b filter veth0 neigh off
	send_arp 1 192.0.2.73 "$LAB_IP_B"
	learnt 192.0.2.73
	# an ether rule still applies to ARP with neigh off
	xdpl_b filter veth0 policy allow
	xdpl_b filter veth0 ether "$LAB_MAC_A" -m src
	send_arp 1 192.0.2.74 "$LAB_IP_B"
	! learnt 192.0.2.74
}

@test "neighbour discovery: the target of a solicitation is matched in both policies; neigh off" {
	# allow policy: a dst rule for B's address drops solicitations for it
	xdpl_b filter veth0 ip "$LAB_IP6_B"
	send_ns 2001:db8::77 "$LAB_IP6_B"
	! learnt 2001:db8::77
	[ "$(hits ip dst $LAB_IP6_B/128)" -eq 1 ]
	xdpl_b filter veth0 neigh off
	send_ns 2001:db8::77 "$LAB_IP6_B"
	learnt 2001:db8::77
	xdpl_b filter veth0 neigh on
	xdpl_b filter veth0 flush
	# the target itself is matched (here it is not the packet's destination)
	xdpl_b filter veth0 ip 2001:db8::99
	send_ns 2001:db8::77 2001:db8::99
	sleep 0.2
	[ "$(hits ip dst 2001:db8::99/128)" -eq 1 ]
	xdpl_b filter veth0 flush

	# deny policy: without a rule the solicitation drops (the lockout) ...
	xdpl_b filter veth0 policy deny
	send_ns 2001:db8::78 "$LAB_IP6_B"
	! learnt 2001:db8::78
	# ... and allowing B's address lets it in
	xdpl_b filter veth0 ip "$LAB_IP6_B"
	send_ns 2001:db8::79 "$LAB_IP6_B"
	learnt 2001:db8::79
	xdpl_b filter veth0 flush
	xdpl_b filter veth0 neigh off
	send_ns 2001:db8::7a "$LAB_IP6_B"
	learnt 2001:db8::7a
}

@test "packets and bytes per rule, and per verdict" {
	xdpl_b filter veth0 ip "$LAB_IP_B"
	on_a ping -q -c 3 -i 0.01 -W 1 -s 100 "$LAB_IP_B" >/dev/null 2>&1 || true
	run xdpl_b filter veth0 list --json
	# 14 Ethernet + 20 IP + 8 ICMP + 100 bytes of data
	[ "$(jq '.rules[0].hits' <<<"$output")" -eq 3 ]
	[ "$(jq '.rules[0].bytes' <<<"$output")" -eq 426 ]
	run xdpl_b filter veth0 status --json
	[ "$(jq '.actions.XDP_DROP.packets' <<<"$output")" -eq 3 ]
	[ "$(jq '.actions.XDP_DROP.bytes' <<<"$output")" -eq 426 ]
	[ "$(jq -r '.interfaces | join(" ")' <<<"$output")" = veth0 ]
	run xdpl_b filter veth0 status
	[[ "$output" =~ XDP_DROP\ +3\ +1 ]]
	[[ "$output" == *"Loaded on interfaces: veth0"* ]]
	run xdpl_b filter veth0 poll -i 100 -c 2 --json
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -s '.[1].actions.XDP_DROP.packets' <<<"$output")" -eq 3 ]
}

@test "load --features ipv4: other rule classes are compiled out" {
	xdpl_b unload veth0 --all
	xdpl_b load -m skb veth0 filter --features ipv4
	[ "$(xdpl_b filter veth0 status --json | jq -r .features)" = ipv4 ]
	xdpl_b filter veth0 ip "$LAB_IP6_B"
	xdpl_b filter veth0 port 5353
	on_a ping -c 2 -i 0.01 -W 1 "$LAB_IP6_B" >/dev/null
	[ "$(udp_received 5353 2)" -eq 2 ]
	xdpl_b filter veth0 ip "$LAB_IP_B"
	ping_none 2
	# a rebuild of the chain keeps the load options (the read-only map is carried over)
	xdpl_b load -m skb veth0 count
	[ "$(xdpl_b filter veth0 status --json | jq -r .features)" = ipv4 ]
	ping_none 2
	run xdpl_b load veth0 filter --features ipv4,bogus
	[ "$status" -eq 2 ]
}

@test "rules FILE applies many rules as one change; --replace makes it the whole set; bad files change nothing" {
	local f=$BATS_TEST_TMPDIR/rules i
	{
		echo "# blocked"
		for i in $(seq 1 200); do echo "port $((10000 + i)) -p udp"; done
		echo "ip $LAB_IP_B -m dst"
		echo "ether 02:00:00:00:00:99 -m src,dst"
	} >"$f"
	SECONDS=0
	xdpl_b filter veth0 rules "$f"
	[ "$SECONDS" -le 3 ]
	[ "$(nrules)" -eq 203 ]
	ping_none 2
	# combined rules in a file: added in the same change; --replace takes them away
	printf 'rule src 192.0.2.1/32 proto icmp\nrule dport 7000-7010 proto udp\n' |
		xdpl_b filter veth0 rules -
	[ "$(xdpl_b filter veth0 list --json | jq '.combined | length')" -eq 2 ]
	[ "$(nrules)" -eq 203 ]
	xdpl_b filter veth0 ip "$LAB_IP_B" -m dst -r
	ping_none 2
	[ "$(xdpl_b filter veth0 list --json | jq '.combined[0].hits')" -eq 2 ]
	echo "port 80" | xdpl_b filter veth0 rules - --replace
	[ "$(nrules)" -eq 2 ]
	[ "$(xdpl_b filter veth0 list --json | jq '.combined | length')" -eq 0 ]
	ping_ok 2
	printf 'rule dport 7000-7010 proto udp\nport 80\n' | xdpl_b filter veth0 rules - --replace
	[ "$(xdpl_b filter veth0 list --json | jq -r '.combined[0].rule')" = "proto udp dport 7000-7010" ]
	[ "$(udp_received 7005 2)" -eq 0 ]
	[ "$(udp_received 7011 2)" -eq 2 ]
	printf 'rule dport 0\n' >"$f"
	run xdpl_b filter veth0 rules "$f"
	[ "$status" -eq 2 ]
	[[ "$output" == *"$f:1: rule:"* ]]
	printf 'port 81\nip 10.0.0.300\n' >"$f"
	run xdpl_b filter veth0 rules "$f"
	[ "$status" -eq 2 ]
	[[ "$output" == *"$f:2:"*"10.0.0.300"* ]]
	[ "$(nrules)" -eq 2 ]
	run xdpl_b filter veth0 rules /nonexistent
	[ "$status" -eq 3 ]
}

@test "a named set shared by two interfaces: one rule acts on both, status lists both, the last unload removes it" {
	local set="t${LAB_ID//[^a-z0-9-]/}"
	second_link
	xdpl_b unload veth0 --all
	xdpl_b load -m skb veth0 filter --set "$set"
	xdpl_b load -m skb veth1 filter --set "$set"
	[ -d "$SETS/$set" ]
	ping_ok 2
	on_a ping -q -c 2 -i 0.01 -W 1 198.18.0.2 >/dev/null
	# a rule added through veth0 is veth1's too
	xdpl_b filter veth0 ip 198.18.0.2
	xdpl_b filter veth0 ip "$LAB_IP_B"
	ping_none 2
	run on_a ping -q -c 2 -i 0.01 -W 1 198.18.0.2
	[[ "$output" == *" 0 received"* ]]
	[ "$(xdpl_b filter veth1 list --json | jq '.rules | length')" -eq 2 ]
	run xdpl_b filter veth1 status --json
	[ "$(jq -r .set <<<"$output")" = "$set" ]
	[ "$(jq -r '.interfaces | join(" ")' <<<"$output")" = "veth0 veth1" ]
	# the policy is the set's
	xdpl_b filter veth1 policy deny
	[ "$(xdpl_b filter veth0 policy)" = deny ]
	xdpl_b unload veth0 --all
	[ -d "$SETS/$set" ]
	xdpl_b unload veth1 --all
	[ ! -e "$SETS/$set" ]
	run xdpl_b load veth0 filter --set "no/slash"
	[ "$status" -eq 2 ]
}

@test "unload --keep-maps keeps the rules; the next load brings them back; a plain unload removes them" {
	xdpl_b filter veth0 ip "$LAB_IP_B"
	xdpl_b filter veth0 policy allow
	ping_none 2
	run xdpl_b unload veth0 --all --keep-maps
	[ "$status" -eq 0 ]
	[[ "$output" == *"kept"* ]]
	[ "$(xdp_id_b)" = 0 ]
	ping_ok 2
	xdpl_b load veth0 filter
	ping_none 2
	[ "$(xdpl_b filter veth0 list --json | jq -r '.rules[0].rule')" = "$LAB_IP_B/32" ]
	# kept again, and back in a chain this time
	xdpl_b unload veth0 --all -k
	xdpl_b load veth0 count filter
	ping_none 2
	[ "$(ls "$SETS" | grep -c '^@')" -ge 1 ]
	xdpl_b unload veth0 --all
	xdpl_b load veth0 filter
	ping_ok 2
	[ "$(xdpl_b filter veth0 list --json | jq '.rules | length')" -eq 0 ]
}

@test "rules FILE --replace swaps the whole set atomically: under a flood no packet meets half of each" {
	local old=$BATS_TEST_TMPDIR/old new=$BATS_TEST_TMPDIR/new out=$BATS_TEST_TMPDIR/pairs i
	for i in $(seq 0 199); do echo "port $((20000 + i)) -p udp"; done >"$old"
	for i in $(seq 0 199); do echo "port $((30000 + i)) -p udp"; done >"$new"
	xdpl_b filter veth0 rules "$old"
	[ "$(nrules)" -eq 200 ]
	# B records which of each pair (C to 20199, dropped by the old set; D to 30199, by
	# the new one) arrived; A sends pairs back to back while B swaps the sets.
	on_b python3 -c '
import socket, sys, select
socks = []
for p in (20199, 30199):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 24)
    s.bind(("192.0.2.2", p)); socks.append(s)
open(sys.argv[1] + ".ready", "w").close()
got = {}
while True:
    r, _, _ = select.select(socks, [], [], 2.0)
    if not r:
        break
    for s in r:
        while True:
            try:
                d = s.recv(64, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            seq = int(d)
            got[seq] = got.get(seq, 0) | (1 if s is socks[0] else 2)
n = max(got) + 1 if got else 0
open(sys.argv[1], "w").write("".join(str(got.get(i, 0)) for i in range(n)) + "\n")
' "$out" &
	for i in $(seq 50); do [ -e "$out.ready" ] && break; sleep 0.05; done
	on_a python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 3
i = 0
while time.time() < end:
    for p in (20199, 30199):
        s.sendto(b"%d" % i, ("192.0.2.2", p))
    i += 1
    if i % 64 == 0:
        time.sleep(0.0005)
s.sendto(b"%d" % i, ("192.0.2.2", 20199)); s.sendto(b"%d" % i, ("192.0.2.2", 30199))
' &
	sleep 1
	run xdpl_b filter veth0 rules "$new" --replace
	[ "$status" -eq 0 ]
	[[ "$output" == *"200 rule entries added, 0 kept, 200 removed"* ]]
	wait
	[ "$(nrules)" -eq 200 ]
	# per pair: 2 = only D arrived (old set), 1 = only C (new set)
	seq=$(cat "$out")
	echo "pairs: ${#seq}, old-set pairs: $(tr -cd 2 <<<"$seq" | wc -c), new-set pairs: $(tr -cd 1 <<<"$seq" | wc -c)"
	[[ "$seq" == 2*1* ]] || [[ "$seq" =~ ^2+[03]?1+$ ]]
	[ "$(tr -cd 2 <<<"$seq" | wc -c)" -gt 1000 ]
	[ "$(tr -cd 1 <<<"$seq" | wc -c)" -gt 1000 ]
	# the last pair went after the swap: only C
	[ "${seq: -1}" = 1 ]
}

@test "combined rules: prefix, protocol and port range together, VLAN; their own counters; bad ones refused" {
	lab_add_addr_a "$OTHER_NET"
	xdpl_b filter veth0 rule src 192.0.2.0/24 proto udp dport 5350-5360
	# all three fields must match: UDP from A to 5353 and 5360 drop, 5361 passes
	[ "$(udp_received 5353 3)" -eq 0 ]
	[ "$(udp_received 5360 2)" -eq 0 ]
	[ "$(udp_received 5361 2)" -eq 2 ]
	ping_ok 2 # ICMP: not the protocol
	run xdpl_b filter veth0 list --json
	[ "$(jq -r '.combined[0].rule' <<<"$output")" = "src 192.0.2.0/24 proto udp dport 5350-5360" ]
	[ "$(jq '.combined[0].hits' <<<"$output")" -eq 5 ]
	[ "$(jq '.combined[0].bytes' <<<"$output")" -gt 0 ]
	# the same rule again: kept, with its counters
	run xdpl_b filter veth0 rule add src 192.0.2.0/24 proto udp dport 5350-5360
	[[ "$output" == *"already present"* ]]
	[ "$(xdpl_b filter veth0 list --json | jq '.combined[0].hits')" -eq 5 ]
	# ICMP from one host only
	xdpl_b filter veth0 rule src "$OTHER_NET/32" proto icmp
	ping_ok 2
	run ping_ok 2 -I "$OTHER_NET"
	[ "$status" -ne 0 ]
	# a VLAN rule: only frames tagged 10
	xdpl_b filter veth0 rule vlan 10
	on_a python3 -c '
import socket, struct
def ip4(src, dst):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 0, 0, 64, 17, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h + struct.pack("!HHHH", 1000, 2000, 8, 0)
eth = bytes.fromhex("020000000002" "020000000001")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("veth0", 0))
for vid in (10, 10, 11):
    s.send(eth + struct.pack("!HH", 0x8100, vid) + struct.pack("!H", 0x0800) + ip4("10.9.0.1", "10.9.0.2"))
'
	[ "$(xdpl_b filter veth0 status --json | jq '.combined[] | select(.rule == "vlan 10") | .hits')" -eq 2 ]
	# removal: exact fields; absent is fine
	xdpl_b filter veth0 rule del src 192.0.2.0/24 proto udp dport 5350-5360
	[ "$(udp_received 5353 2)" -eq 2 ]
	run xdpl_b filter veth0 rule src 192.0.2.0/24 proto udp dport 5350-5360 -r
	[ "$status" -eq 0 ]
	for bad in "rule" "rule sport 9-3" "rule dport 0" "rule proto frob" "rule vlan 4095" \
		"rule src 10.0.0.0/8 dst 2001:db8::/32" "rule src 10.0.0.1/8" "rule color red" \
		"rule src" "rule dport 53 -m src"; do
		# shellcheck disable=SC2086
		run xdpl_b filter veth0 $bad
		echo "$bad -> $status $output"
		[ "$status" -eq 2 ]
	done
	[ "$(xdpl_b filter veth0 list --json | jq '.combined | length')" -eq 2 ]
	xdpl_b filter veth0 flush
	[ "$(xdpl_b filter veth0 list --json | jq '.combined | length')" -eq 0 ]
}

# port_entries: every entry of B's filter's port map, rules or not (bpftool)
port_entries()
{
	local pid mid
	pid=$(xdpl_b status veth0 --json | jq -r '.[0].programs[] | select(.name == "filter") | .id')
	for mid in $(bpftool -j prog show id "$pid" | jq -r '.map_ids[]'); do
		if [ "$(bpftool -j map show id "$mid" | jq -r .name)" = flt_port ]; then
			bpftool -j map dump id "$mid" | jq length
		fi
	done
}

@test "a swap killed before or after its flip leaves the old or the new set, and the next change cleans up" {
	local old=$BATS_TEST_TMPDIR/old new=$BATS_TEST_TMPDIR/new i
	command -v bpftool >/dev/null || skip "bpftool missing"
	for i in $(seq 1 20); do echo "port $((20000 + i)) -p udp"; done >"$old"
	for i in $(seq 1 20); do echo "port $((30000 + i)) -p udp"; done >"$new"
	echo "rule dport 7000 proto udp" >>"$new"
	xdpl_b filter veth0 rules "$old"
	# killed before the flip: the old set applies, the staged entries are no rules
	run env XDPLOAD_FAULT=filter:staged ip netns exec "$LAB_B" "$XDPLOAD" filter veth0 rules "$new" --replace
	[ "$status" -eq 137 ]
	[ "$(nrules)" -eq 20 ]
	[ "$(xdpl_b filter veth0 list --json | jq '.combined | length')" -eq 0 ]
	[ "$(udp_received 20001 2)" -eq 0 ]
	[ "$(udp_received 30001 2)" -eq 2 ]
	[ "$(port_entries)" -eq 40 ]
	# the next change removes them
	xdpl_b filter veth0 port 80 -p udp
	[ "$(port_entries)" -eq 21 ]
	xdpl_b filter veth0 port 80 -r
	# killed after the flip: the new set applies; the old entries go with the next change
	run env XDPLOAD_FAULT=filter:flipped ip netns exec "$LAB_B" "$XDPLOAD" filter veth0 rules "$new" --replace
	[ "$status" -eq 137 ]
	[ "$(nrules)" -eq 20 ]
	[ "$(xdpl_b filter veth0 list --json | jq -r '.rules[0].rule')" = 30001/udp ]
	[ "$(xdpl_b filter veth0 list --json | jq '.combined | length')" -eq 1 ]
	[ "$(udp_received 20001 2)" -eq 2 ]
	[ "$(udp_received 30001 2)" -eq 0 ]
	[ "$(udp_received 7000 2)" -eq 0 ]
	xdpl_b filter veth0 rules "$new" --replace
	[ "$(port_entries)" -eq 20 ]
	[ "$(nrules)" -eq 20 ]
	[ "$(xdpl_b filter veth0 list --json | jq '.combined | length')" -eq 1 ]
}

@test "a rule set has one policy: a load with the other one is refused, without --policy it takes the set's" {
	local set="p${LAB_ID//[^a-z0-9-]/}"
	second_link
	xdpl_b unload veth0 --all
	xdpl_b load -m skb veth0 filter --set "$set" --policy deny
	ping_none 2
	run xdpl_b load -m skb veth1 filter --set "$set" --policy allow
	[ "$status" -eq 2 ]
	[[ "$output" == *"rule set '$set' has policy deny"* ]]
	[ "$(on_b ip -j link show veth1 | jq -r '.[0].xdp.prog.id // 0')" = 0 ]
	xdpl_b load -m skb veth1 filter --set "$set"
	[ "$(xdpl_b filter veth1 policy)" = deny ]
	run on_a ping -q -c 2 -i 0.01 -W 1 198.18.0.2
	[[ "$output" == *" 0 received"* ]]
	xdpl_b unload veth0 --all
	xdpl_b unload veth1 --all
	[ ! -e "$SETS/$set" ]
}

@test "unload --every-interface -n filter: xdp-filter's unload --all, on every interface that runs it" {
	ip -n "$LAB_B" link add vx0 type veth peer name vx1
	ip -n "$LAB_B" link set vx0 up && ip -n "$LAB_B" link set vx1 up
	xdpl_b load -m skb vx0 count filter
	xdpl_b load -m skb vx1 count
	xdpl_b unload --every-interface -n filter
	# filter is gone from both of its interfaces; the rest of each chain runs on
	[ "$(xdpl_b status --json | jq '[.[].programs[] | select(.name == "filter")] | length')" = 0 ]
	[ "$(xdpl_b status vx0 --json | jq -r '[.[0].programs[].name] | join(" ")')" = count ]
	[ "$(xdpl_b status vx1 --json | jq -r '[.[0].programs[].name] | join(" ")')" = count ]
	# nothing runs it any more: exit 10, and IFACE with --every-interface is refused
	run xdpl_b unload --every-interface -n filter
	[ "$status" -eq 10 ]
	[[ "$output" == *"no interface of this network namespace runs filter"* ]]
	run xdpl_b unload --every-interface -n count veth0
	[ "$status" -eq 2 ]
	run xdpl_b unload -n count
	[ "$status" -eq 2 ]
	[[ "$output" == *"give IFACE (or --every-interface)"* ]]
	xdpl_b unload --every-interface --all
	[ "$(xdpl_b status --json | jq '[.[].programs[]] | length')" = 0 ]
}
