/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * depmod -n --json: what the text files would hold, as one JSON document on stdout
 * (depmod(8), "JSON OUTPUT").
 */

struct depmod;

/* Runs in place of depmod_write() for -n --json. Returns 0 or a negative errno. */
int depmod_write_json(struct depmod *d);
