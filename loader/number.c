// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one number parser of the command line (params.h): every ID, priority, rate,
 * burst, count and interval goes through it, so the same text is refused the same
 * way everywhere. Kept apart from the parser so the unit tests link it alone.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "params.h"

int parse_u64_range(const char *s, __u64 min, __u64 max, __u64 *out)
{
	__u64 v = 0;
	const char *p;

	if (!s || !*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_double_range(const char *s, double min, double max, double *out)
{
	int digits = 0, dots = 0;
	const char *p;
	double v;

	if (!s)
		return -EINVAL;
	/* strtod alone would take blanks, signs, hex, exponents, "inf" and "nan" */
	for (p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.' && !dots)
			dots++;
		else
			return -EINVAL;
	}
	if (!digits || strlen(s) > 32)
		return -EINVAL;
	v = strtod(s, NULL);
	if (!isfinite(v) || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}
