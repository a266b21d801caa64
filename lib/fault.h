/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fault injection for the crash tests: with XDPLOAD_FAULT=STEP (or STEP:N for
 * the Nth time the step is reached) in the environment, xdpload kills itself
 * with SIGKILL at that step of a change, as a crash or a kill -9 would. The
 * steps are named where xdpl_fault_point() is called; `grep -rn
 * xdpl_fault_point lib` lists them, and tests/faults.bats runs each.
 */
#ifndef XDPL_FAULT_H
#define XDPL_FAULT_H

#include <stdbool.h>

void xdpl_fault_point(const char *step);

/*
 * The same switch for a failure instead of a kill: with XDPLOAD_FAIL=STEP (or
 * STEP:N) in the environment, returns true at that step, and the caller fails
 * there as if the kernel had refused (tests of apply's swap back).
 */
bool xdpl_fault_fail(const char *step);

#endif
