// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include "log.h"
#include "privs.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1U << (cap % 32));
}

int require_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return 0; /* cannot tell: let the kernel decide */
	if (has_cap(data, CAP_NET_ADMIN) &&
	    (has_cap(data, CAP_BPF) || has_cap(data, CAP_SYS_ADMIN)))
		return 0;
	return xdpl_err(XDPL_ERR_PERM, EPERM,
			"permission denied: XDP needs CAP_NET_ADMIN and CAP_BPF (run as root)");
}
