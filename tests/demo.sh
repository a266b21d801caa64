#!/usr/bin/env bash
# make demo: a throwaway lab (two network namespaces joined by a veth pair), a chain
# of bundled programs on the receiving side, status, pings and counters; then the lab
# is torn down, whatever happens.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/lab.bash
. "$here/lib/lab.bash"

trap lab_down EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
pings() {
	printf '$ ping -c 5 %s   (from host A)\n' "$LAB_IP_B"
	on_a ping -q -c 5 -i 0.05 -W 1 "$LAB_IP_B" | grep -E 'packets transmitted' || true
}

say "A lab: host A ($LAB_IP_A) -- veth -- host B ($LAB_IP_B), in network namespaces"
lab_up
echo "namespaces: $LAB_A $LAB_B"

say "The bundled programs"
run "$XDPLOAD" progs

say "Load count on B: it counts and passes"
run ip netns exec "$LAB_B" "$XDPLOAD" load -m skb veth0 count
pings

say "Add drop to the chain: count runs first (priority 10), drop after (90)"
run ip netns exec "$LAB_B" "$XDPLOAD" load -m skb veth0 drop
run ip netns exec "$LAB_B" "$XDPLOAD" status veth0
pings

say "Counters per program and action"
run ip netns exec "$LAB_B" "$XDPLOAD" status veth0 --json
say "Remove drop: traffic flows again, count keeps its counters"
run ip netns exec "$LAB_B" "$XDPLOAD" unload veth0 -n drop
pings
run ip netns exec "$LAB_B" "$XDPLOAD" status veth0

say "Unload everything and tear the lab down"
run ip netns exec "$LAB_B" "$XDPLOAD" unload veth0 --all
lab_down
echo "left behind: namespaces: $(ip netns list | grep -c "$LAB_ID" || true)"
