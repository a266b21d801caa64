// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test component: nests calls 8 frames deep (entry included). In a chain the
 * dispatcher takes one of the kernel's 8 frames: 7 composes, 8 does not.
 */
#include "linked_common.h"

#define DEPTH 8
#include "linked_deep.h"
