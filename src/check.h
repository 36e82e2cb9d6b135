/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "kmod.h"

/* `kmod check`: loaded modules compared with their files on disk (check.c). */
extern const struct kmod_cmd kmod_cmd_check;
