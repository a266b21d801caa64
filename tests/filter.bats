#!/usr/bin/env bats
# xdpload filter: runtime rules of the bundled filter program, checked with real
# traffic from host A to host B (tests/lib/lab.bash), filter attached on B.

load lib/lab

OTHER_NET=198.51.100.7

setup()
{
	[ "$(id -u)" = 0 ] || skip "needs root"
	lab_up
	xdpl_b load veth0 filter
}

teardown()
{
	lab_down
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
	run xdpl_b filter veth0 ip add 192.0.2.0/24
	[ "$status" -eq 0 ]
	ping_none 5
	ping_ok 3 -I "$OTHER_NET"
	run hits ip src 192.0.2.0/24
	[ "$output" -eq 5 ]
	run xdpl_b filter veth0 ip del 192.0.2.0/24
	[ "$status" -eq 0 ]
	ping_ok 3
	[ "$(nrules)" -eq 0 ]
}

@test "an IPv6 /64 deny rule blocks ping6 and counts it; another /64 does not" {
	on_a ping -c 2 -i 0.01 -W 1 "$LAB_IP6_B" >/dev/null
	xdpl_b filter veth0 ip add 2001:db8:1::/64
	on_a ping -c 2 -i 0.01 -W 1 "$LAB_IP6_B" >/dev/null
	[ "$(hits ip src 2001:db8:1::/64)" -eq 0 ]
	xdpl_b filter veth0 ip add 2001:db8::/64
	run on_a ping -c 4 -i 0.01 -W 1 "$LAB_IP6_B"
	[[ "$output" == *" 0 received"* ]]
	[ "$(hits ip src 2001:db8::/64)" -eq 4 ]
	xdpl_b filter veth0 ip del 2001:db8::/64
	on_a ping -c 2 -i 0.01 -W 1 "$LAB_IP6_B" >/dev/null
}

@test "a destination prefix rule matches the destination address" {
	xdpl_b filter veth0 ip add 192.0.2.2/32 --dst
	ping_none 3
	[ "$(hits ip dst 192.0.2.2/32)" -eq 3 ]
	# the source direction is a different rule
	run xdpl_b filter veth0 ip del 192.0.2.2/32 --src
	[ "$status" -eq 10 ]
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
	xdpl_b filter veth0 ether add 02:00:00:00:00:01
	ping_none 4
	# at least the pings; A may also send IPv6 router solicitations meanwhile
	[ "$(hits ether src 02:00:00:00:00:01)" -ge 4 ]
	xdpl_b filter veth0 ether del 02:00:00:00:00:01
	ping_ok 3
}

@test "allow-list policy drops every frame not listed and passes what is" {
	lab_add_addr_a "$OTHER_NET"
	xdpl_b filter veth0 ip add "$OTHER_NET/32"
	xdpl_b filter veth0 policy allow
	[ "$(xdpl_b filter veth0 policy)" = allow ]
	ping_none 3
	run on_a ping -c 2 -i 0.01 -W 1 "$LAB_IP6_B"
	[[ "$output" == *" 0 received"* ]]
	[ "$(udp_received 5353 3)" -eq 0 ]
	ping_ok 3 -I "$OTHER_NET"
	[ "$(hits ip src $OTHER_NET/32)" -eq 3 ]
	[ "$(xdpl_b filter veth0 list --json | jq -r .policy)" = allow ]
	xdpl_b filter veth0 policy deny
	ping_ok 3
}

# send_arp_request SENDER_IP: an ARP who-has for B's address from A's MAC
send_arp_request()
{
	on_a python3 -c '
import socket, struct, sys
mac_a = bytes.fromhex("020000000001")
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac_a,
                  socket.inet_aton(sys.argv[1]), bytes(6), socket.inet_aton("192.0.2.2"))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("veth0", 0))
s.send(b"\xff" * 6 + mac_a + struct.pack("!H", 0x0806) + arp)
' "$1"
}

@test "allow-list policy lets ARP through; a deny MAC rule drops it" {
	xdpl_b filter veth0 ip add "$OTHER_NET/32"
	xdpl_b filter veth0 policy allow
	send_arp_request 192.0.2.77
	sleep 0.2
	# B learnt the sender from the request: the frame reached its stack
	[ -n "$(ip -n "$LAB_B" neigh show 192.0.2.77)" ]
	xdpl_b filter veth0 policy deny
	xdpl_b filter veth0 ether add "$LAB_MAC_A"
	send_arp_request 192.0.2.78
	sleep 0.2
	[ -z "$(ip -n "$LAB_B" neigh show 192.0.2.78)" ]
}

@test "VLAN-tagged frames (802.1Q and 802.1ad+802.1Q) are parsed" {
	xdpl_b filter veth0 ip add 10.10.0.0/24
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
	[ "$(hits ip src 192.0.2.0/24)" -eq 3 ]
	# adding a program rebuilds the chain: the rules and their counters stay
	xdpl_b load veth0 watch
	[ "$(xdpl_b status veth0 --json | jq '[.[0].programs[].name] | length')" -eq 3 ]
	ping_none 2
	[ "$(hits ip src 192.0.2.0/24)" -eq 5 ]
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
		"ip add" "policy maybe" "ip add 10.0.0.0/8 --tcp" "port add 53 --src --dst" \
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
	[ "$(xdpl_b filter veth0 policy)" = deny ]
}

@test "deleting a rule that does not exist exits 10; adding one twice keeps its counter" {
	run xdpl_b filter veth0 ip del 203.0.113.0/24
	[ "$status" -eq 10 ]
	[[ "$output" == *"no rule ip src 203.0.113.0/24"* ]]
	xdpl_b filter veth0 ip add 192.0.2.0/24
	ping_none 2
	run xdpl_b filter veth0 ip add 192.0.2.0/24
	[ "$status" -eq 0 ]
	[[ "$output" == *"already present"* ]]
	[ "$(hits ip src 192.0.2.0/24)" -eq 2 ]
	[ "$(nrules)" -eq 1 ]
}

@test "a rule re-added after deletion counts from zero" {
	xdpl_b filter veth0 ip add 192.0.2.0/24
	ping_none 3
	xdpl_b filter veth0 ip del 192.0.2.0/24
	xdpl_b filter veth0 ip add 192.0.2.0/24
	[ "$(hits ip src 192.0.2.0/24)" -eq 0 ]
}

@test "list shows every rule with its counter, text and JSON" {
	xdpl_b filter veth0 ip add 192.0.2.0/24
	xdpl_b filter veth0 ip add 2001:db8::/64 --dst
	xdpl_b filter veth0 port add 80 --tcp
	xdpl_b filter veth0 ether add aa:bb:cc:dd:ee:ff
	ping_none 2
	run xdpl_b filter veth0 list
	[ "$status" -eq 0 ]
	[[ "$output" == *"policy deny, 4 rules"* ]]
	[[ "$output" =~ ip\ +src\ +192\.0\.2\.0/24\ +2 ]]
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
