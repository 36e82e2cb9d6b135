// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "libkmod.h"
#include "log.h"

/*
 * Process-wide state of the tools (options.h: everything else lives in each tool's
 * options struct). It stays global because any function of a tool, and the
 * library through log_kmod(), may log without being handed the tool's struct, and
 * a FATAL message exits from wherever it is raised. The pending hint (hint.c) and
 * the open JSON document (json.c) are global for the same FATAL exit.
 */
static bool log_use_syslog;
static int log_priority = LOG_WARNING;

const char *log_level_name(int priority, char buf[static 16])
{
	switch (priority) {
	case LOG_CRIT:
		return "FATAL";
	case LOG_ERR:
		return "ERROR";
	case LOG_WARNING:
		return "WARNING";
	case LOG_NOTICE:
		return "NOTICE";
	case LOG_INFO:
		return "INFO";
	case LOG_DEBUG:
		return "DEBUG";
	}
	snprintf(buf, 16, "LOG-%03d", priority);
	return buf;
}

void log_open(bool use_syslog)
{
	log_use_syslog = use_syslog;
	if (use_syslog)
		openlog(program_invocation_short_name, LOG_CONS, LOG_DAEMON);
}

void log_close(void)
{
	if (log_use_syslog)
		closelog();
}

void log_set_priority(int priority)
{
	log_priority = priority;
}

static void log_vemit(int priority, const char *fmt, va_list args)
{
	char buf[16];
	const char *level = log_level_name(priority, buf);
	char *text = NULL;

	if (priority > log_priority)
		return;
	if (vasprintf(&text, fmt, args) < 0)
		text = NULL;
	if (log_use_syslog)
		syslog(priority, "%s: %s", level, text ? text : fmt);
	else
		fprintf(stderr, "%s: %s: %s", program_invocation_short_name, level,
			text ? text : fmt);
	free(text);
	if (priority <= LOG_CRIT)
		exit(EXIT_FAILURE);
}

void log_printf(int priority, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_vemit(priority, fmt, args);
	va_end(args);
}

static void log_kmod(void *data, int priority, const char *file, int line, const char *fn,
		     const char *format, va_list args)
{
	log_vemit(priority, format, args);
}

struct kmod_ctx *log_kmod_new(const char *dirname, const char *const *config_paths,
			      int priority)
{
	struct kmod_ctx *ctx = kmod_new(dirname, config_paths);

	if (ctx == NULL) {
		ERR("kmod_new() failed!\n");
		return NULL;
	}
	log_priority = priority;
	kmod_set_log_priority(ctx, priority);
	kmod_set_log_fn(ctx, log_kmod, NULL);
	return ctx;
}
