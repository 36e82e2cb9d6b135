/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Transitional: every layer header at once, for the files not yet moved to the
 * headers of the layers they use (docs/layers.md). Goes away with its last user.
 */

#include "config.h"
#include "ctx.h"
#include "kmod-elf.h"
#include "file.h"
#include "index.h"
#include "list.h"
#include "log-lib.h"
#include "macro.h"
#include "module.h"
#include "signature.h"
#include "util.h"
