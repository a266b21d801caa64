// SPDX-License-Identifier: GPL-2.0-only
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fault.h"

void xdpl_fault_point(const char *step)
{
	static int hits;
	const char *want = getenv("XDPLOAD_FAULT");
	size_t len = strlen(step);
	int nth = 1;

	if (!want || strncmp(want, step, len) || (want[len] && want[len] != ':'))
		return;
	if (want[len] == ':')
		nth = atoi(want + len + 1);
	if (++hits == nth)
		kill(getpid(), SIGKILL);
}

bool xdpl_fault_fail(const char *step)
{
	static int hits;
	const char *want = getenv("XDPLOAD_FAIL");
	size_t len = strlen(step);
	int nth = 1;

	if (!want || strncmp(want, step, len) || (want[len] && want[len] != ':'))
		return false;
	if (want[len] == ':')
		nth = atoi(want + len + 1);
	return ++hits == nth;
}
