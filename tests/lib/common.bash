# shellcheck shell=bash
# Loaded by every bats suite: the lab for each test, torn down even when it fails.
load "${BATS_TEST_DIRNAME}/lib/lab.bash"

TEST_PROGS=${TEST_PROGS:-$LAB_ROOT/build/tests/progs}

setup()
{
	lab_up
}

teardown()
{
	lab_down
}

# The kernel IDs of programs named NAME on B's veth0, per xdpload status --json.
status_id_b()
{
	xdpl_b status veth0 --json | jq -r --arg n "$1" '.[0].programs[] | select(.name == $n) | .id'
}
