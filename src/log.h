/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Tool messages: "<prog>: <LEVEL>: <text>" on stderr (or syslog), filtered by a
 * priority threshold (tools.md 3.1). A shown FATAL (LOG_CRIT) message exits with
 * status 1; a filtered one does not.
 */

#include <stdbool.h>
#include <syslog.h>

#include "lib/macro.h"

struct kmod_ctx;

/* Program name in messages: the short invocation name. */
void log_open(bool use_syslog);
void log_close(void);
/* Threshold: messages with priority number <= it are shown. Default 4 (WARNING). */
void log_set_priority(int priority);
/*
 * kmod_new() with the library's messages routed through ours and its priority set
 * to ours; reports a failure itself.
 */
struct kmod_ctx *log_kmod_new(const char *dirname, const char *const *config_paths,
			      int priority);
void log_printf(int priority, const char *fmt, ...) _printf_(2, 3);
/* Returns the LEVEL word of a priority ("FATAL", ...; "LOG-%03d" otherwise). */
const char *log_level_name(int priority, char buf[static 16]);

#define FATAL(...) log_printf(LOG_CRIT, __VA_ARGS__)
#define ERR(...) log_printf(LOG_ERR, __VA_ARGS__)
#define WRN(...) log_printf(LOG_WARNING, __VA_ARGS__)
#define NOTICE(...) log_printf(LOG_NOTICE, __VA_ARGS__)
#define INF(...) log_printf(LOG_INFO, __VA_ARGS__)
#define DBG(...) log_printf(LOG_DEBUG, __VA_ARGS__)
