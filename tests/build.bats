#!/usr/bin/env bats
# configure and make install, outside any lab.

ROOT="${BATS_TEST_DIRNAME}/.."

@test "configure names the Debian package of a missing tool and fails" {
	cd "$BATS_TEST_TMPDIR"
	run env CLANG=clang-does-not-exist "$ROOT/configure"
	[ "$status" -eq 1 ]
	[[ "$output" == *"missing clang-does-not-exist (Debian package: clang)"* ]]
	[[ "$output" == *"apt-get install"*clang* ]]
	[ ! -e config.mk ]
}

@test "configure writes config.mk with the libraries' flags" {
	cd "$BATS_TEST_TMPDIR"
	run "$ROOT/configure" --prefix=/opt/x
	[ "$status" -eq 0 ]
	grep -q '^PREFIX ?= /opt/x$' config.mk
	grep -q '^DEP_LIBS := .*-lxdp.*-lbpf' config.mk
}

@test "make install honours PREFIX and DESTDIR" {
	dest="$BATS_TEST_TMPDIR/stage"
	run make -C "$ROOT" install DESTDIR="$dest" PREFIX=/usr
	[ "$status" -eq 0 ]
	[ -x "$dest/usr/sbin/xdpload" ]
	[ -f "$dest/usr/share/man/man8/xdpload.8" ]
	for p in drop abort pass count; do
		# an eBPF ELF object: machine 247
		[ "$(od -An -tu2 -j18 -N2 "$dest/usr/lib/bpf/xdpload/$p.o" | tr -d ' ')" = 247 ]
	done
	"$dest/usr/sbin/xdpload" progs | grep -q '^count '
}

@test "the installed objects carry their run config for other loaders" {
	dest="$BATS_TEST_TMPDIR/stage"
	make -C "$ROOT" install DESTDIR="$dest" PREFIX=/usr >/dev/null
	bpftool btf dump file "$dest/usr/lib/bpf/xdpload/count.o" | grep -q "DATASEC '.xdp_run_config'"
}
