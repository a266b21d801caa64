#!/bin/bash
# Control path in the VM lab's guest (tests/vm/run-in-vm: Debian's stock kernel,
# where freplace works, under QEMU software emulation): xdp-loader, xdpload's
# libxdp backend and xdpload's linked backend building the same chain of 10
# programs (pass x 9, drop) in one command, adding the 10th to 9, unloading all.
#
#   bench/vm-control.sh XDPLOAD PROGS_DIR REPS
#
# Prints "LABEL MICROSECONDS" lines. Times are taken with bash's EPOCHREALTIME
# (no process spawned for the clock); "spawn /bin/true" is the cost of starting
# any process in the emulated guest, which every other line includes.
set -u
xdpload=$1 progs=$2 reps=${3:-5}
ip link add xq0 type veth peer name xq1 && ip link set xq0 up && ip link set xq1 up || exit 1

nine="pass pass pass pass pass pass pass pass pass"
files() { local f; for f in "$@"; do printf '%s ' "$progs/$f.o"; done; }

t() {
	local label=$1 s e
	shift
	s=$EPOCHREALTIME
	"$@" >/dev/null 2>/tmp/vm-control.err || {
		echo "vm-control: $label failed: $(tail -n 1 /tmp/vm-control.err)" >&2
		exit 1
	}
	e=$EPOCHREALTIME
	echo "$label $(((${e/./} - ${s/./})))"
}

for _ in $(seq "$reps"); do
	t "spawn /bin/true" /bin/true
	t "xdp-loader: load 10 in one command" xdp-loader load -m native xq0 $(files $nine drop)
	t "xdp-loader: unload all (10 loaded)" xdp-loader unload xq0 --all
	xdp-loader load -m native xq0 $(files $nine) >/dev/null 2>&1
	t "xdp-loader: add the 10th (9 loaded)" xdp-loader load -m native xq0 $(files drop)
	xdp-loader unload xq0 --all >/dev/null 2>&1
	for be in libxdp linked; do
		t "xdpload $be: load 10 in one command" "$xdpload" load --dispatcher $be -m native xq0 $nine drop
		t "xdpload $be: unload all (10 loaded)" "$xdpload" unload xq0 --all
		"$xdpload" load --dispatcher $be -m native xq0 $nine >/dev/null 2>&1
		t "xdpload $be: add the 10th (9 loaded)" "$xdpload" load --dispatcher $be -m native xq0 drop
		"$xdpload" unload xq0 --all >/dev/null 2>&1
	done
done
