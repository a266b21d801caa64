/* SPDX-License-Identifier: GPL-2.0-only */
/* The privileges XDP work needs, checked up front for a clear error. */
#ifndef XDPL_PRIVS_H
#define XDPL_PRIVS_H

/* 0 with CAP_NET_ADMIN and CAP_BPF (or CAP_SYS_ADMIN); else reports and -EPERM. */
int require_privileges(void);

#endif
