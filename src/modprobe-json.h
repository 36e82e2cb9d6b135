/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The larger parts of modprobe's --json output (modprobe(8), "JSON OUTPUT"),
 * kept out of modprobe.c.
 */

struct json_writer;
struct kmod_ctx;

/*
 * -c: the "config" and "indexes" members of the document; an index that is
 * missing or cannot be read is an empty array (as in the text dump).
 */
void modprobe_json_config(struct json_writer *w, struct kmod_ctx *ctx);

/*
 * A module option string as an array of words: split at blanks outside double
 * quotes, the way the kernel splits module parameters; quotes are kept.
 */
void modprobe_json_options(struct json_writer *w, const char *options);

/*
 * The object of one operand of a query: {"argument": arg, key: [ ...; the caller
 * writes the array's elements, then _end closes both.
 */
void modprobe_json_operand_begin(struct json_writer *w, const char *arg, const char *key);
void modprobe_json_operand_end(struct json_writer *w);
