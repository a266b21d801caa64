#!/usr/bin/env bats
# Hostile file systems: a bpffs others can write to (mode 1777 is common) and
# run-time directories someone else made. xdpload refuses, with exit 7 and the
# directory named, and deletes nothing. Each case runs in a private mount
# namespace with its own bpffs and /run/xdpload, so the host's are never touched.

load lib/common

# in_private SCRIPT: run SCRIPT (bash) with a fresh bpffs on /sys/fs/bpf (mode
# 1777, as many hosts have it) and a fresh /run/xdpload; lab helpers available
in_private()
{
	mkdir -p /run/xdpload
	unshare -m --propagation private bash -c "
		set -u
		mount -t bpf -o mode=1777 bpf /sys/fs/bpf || exit 99
		mount -t tmpfs -o mode=0755 tmpfs /run/xdpload || exit 99
		source '$LAB_ROOT/tests/lib/lab.bash'
		export LAB_A='$LAB_A' LAB_B='$LAB_B' XDPLOAD='$XDPLOAD'
		$1"
}

victim_map() { bpftool map create "$1" type array key 4 value 4 entries 1 name victim; }

@test "tamper: a bpffs xdpload/ owned by another user is refused, nothing in it deleted" {
	run in_private '
		mkdir /sys/fs/bpf/xdpload && chown 65534:65534 /sys/fs/bpf/xdpload
		bpftool map create /sys/fs/bpf/xdpload/victim type array key 4 value 4 entries 1 name victim
		xdpl_b load -m skb --dispatcher linked veth0 drop; echo "load=$?"
		xdpl_b clean; echo "clean=$?"
		[ -e /sys/fs/bpf/xdpload/victim ] && echo victim-kept
		[ "$(xdp_id_b)" = 0 ] && echo nothing-attached'
	echo "$output"
	[[ "$output" == *"load=7"* ]]
	[[ "$output" == *"/xdpload is owned by uid 65534"* ]]
	[[ "$output" == *victim-kept* ]]
	[[ "$output" == *nothing-attached* ]]
}

@test "tamper: a state directory writable by others is refused" {
	run in_private '
		mkdir -m 0777 /sys/fs/bpf/xdpload
		xdpl_b load -m skb --dispatcher linked veth0 drop; echo "load=$?"
		rmdir /sys/fs/bpf/xdpload
		chmod 0777 /run/xdpload
		xdpl_b load -m skb --dispatcher linked veth0 drop; echo "load2=$?"
		[ "$(xdp_id_b)" = 0 ] && echo nothing-attached'
	echo "$output"
	[[ "$output" == *"load=7"* ]]
	[[ "$output" == *"load2=7"* ]]
	[[ "$output" == *"writable by others (mode 0777)"* ]]
	[[ "$output" == *nothing-attached* ]]
}

@test "tamper: a key directory replaced by a symlink is never followed" {
	run in_private '
		xdpl_b load -m skb --dispatcher linked veth0 drop || exit 98
		key=$(ls /run/xdpload | grep -- -)
		xdpl_b unload veth0 --all || exit 97
		# another tool'"'"'s pins, and our key directory pointing at them
		mkdir /sys/fs/bpf/other
		bpftool map create /sys/fs/bpf/other/keepme type array key 4 value 4 entries 1 name keepme
		ln -s /sys/fs/bpf/other "/sys/fs/bpf/xdpload/$key"
		mkdir -p /tmp/xdpl-tamper-run && ln -sfn /tmp/xdpl-tamper-run "/run/xdpload/$key"
		touch /tmp/xdpl-tamper-run/keepme
		xdpl_b load -m skb --dispatcher linked veth0 drop; echo "load=$?"
		xdpl_b status veth0 >/dev/null; echo "status=$?"
		xdpl_b clean; echo "clean=$?"
		"$XDPLOAD" clean; echo "hostclean=$?"
		[ -e /sys/fs/bpf/other/keepme ] && echo pins-kept
		[ -e /tmp/xdpl-tamper-run/keepme ] && echo files-kept
		rm -rf /tmp/xdpl-tamper-run'
	echo "$output"
	[[ "$output" == *"load=7"* ]]
	[[ "$output" == *"not a directory (a symlink?)"* ]]
	[[ "$output" == *pins-kept* ]]
	[[ "$output" == *files-kept* ]]
}
