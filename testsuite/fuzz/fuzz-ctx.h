/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "lib/libkmod.h"

/*
 * A library context on dir as kmod_new(dir, {NULL}) makes it, but with no kernel
 * command line: the machine's /proc/cmdline must not change what an input does.
 * Messages are formatted (a bad argument would show) and dropped. NULL on failure.
 */
struct kmod_ctx *fuzz_ctx_new(const char *dir);
