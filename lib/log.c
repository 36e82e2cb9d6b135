// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Library logging. The library never prints on its own: every message goes
 * through the context's log function, by default log_stderr(). Built with
 * -Dlogging=false, ctx_log() is a macro that compiles to nothing (log-lib.h) and
 * no message is left in the library; the log function and priority API still
 * work, they just never get called.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log-lib.h"
#include "macro.h"

static const char *log_level_name(int priority, char *buf, size_t size)
{
	static const char *const names[] = {
		[LOG_EMERG] = "EMERGENCY", [LOG_ALERT] = "ALERT",
		[LOG_CRIT] = "CRITICAL",   [LOG_ERR] = "ERROR",
		[LOG_WARNING] = "WARNING", [LOG_NOTICE] = "NOTICE",
		[LOG_INFO] = "INFO",	   [LOG_DEBUG] = "DEBUG",
	};

	if (priority >= 0 && (size_t)priority < ARRAY_SIZE(names))
		return names[priority];
	snprintf(buf, size, "L:%d", priority);
	return buf;
}

void log_stderr(void *data, int priority, const char *file, int line, const char *fn,
		const char *format, va_list args)
{
	char buf[16];

	fprintf(stderr, "libkmod: %s: %s: ", log_level_name(priority, buf, sizeof(buf)),
		fn ? fn : "");
	vfprintf(stderr, format, args);
}

int log_priority_from_env(void)
{
	const char *env = secure_getenv("KMOD_LOG");
	char *end;
	long prio;

	if (env == NULL)
		return LOG_ERR;
	prio = strtol(env, &end, 10);
	if (end != env && (*end == '\0' || *end == ' ' || *end == '\n'))
		return (int)prio;
	if (strncmp(env, "err", 3) == 0)
		return LOG_ERR;
	if (strncmp(env, "info", 4) == 0)
		return LOG_INFO;
	if (strncmp(env, "debug", 5) == 0)
		return LOG_DEBUG;
	return LOG_ERR;
}

/* A context begins with its logger (ctx.h), so the logging layer needs nothing else
 * of the context. */
static const struct kmod_logger *ctx_logger(const struct kmod_ctx *ctx)
{
	return (const struct kmod_logger *)(const void *)ctx;
}

int ctx_log_priority(const struct kmod_ctx *ctx)
{
	return ctx_logger(ctx)->priority;
}

#if ENABLE_LOGGING
void ctx_log(const struct kmod_ctx *ctx, int priority, const char *file, int line,
	     const char *fn, const char *format, ...)
{
	const struct kmod_logger *log = ctx_logger(ctx);
	va_list args;

	if (ctx == NULL || log->fn == NULL)
		return;
	va_start(args, format);
	log->fn(log->data, priority, file, line, fn, format, args);
	va_end(args);
}
#endif
