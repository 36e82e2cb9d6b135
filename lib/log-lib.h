/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: helpers, private to the library. May use: the C library, libkmod.h,
 * macro.h. Only the library's own .c files include this header: no header
 * includes it except ctx.h (whose struct embeds the logger), so the tools, depmod
 * among them, keep their own DBG/INFO/ERR macros (src/log.h).
 *
 * The library never prints by itself: every message goes to the context's log
 * function (by default log_stderr()), filtered by the context's priority.
 * Invariants: a NULL context logs nothing, which lets the lower layers (file,
 * index, config) run without one; the logger is the first member of struct
 * kmod_ctx (ctx.h), which is how log.c reaches it without knowing the rest of
 * the context.
 */

#include <stdarg.h>
#include <syslog.h>

#include "libkmod.h"
#include "macro.h"

typedef void (*kmod_log_fn)(void *data, int priority, const char *file, int line,
			    const char *fn, const char *format, va_list args);

/* The logging state of a context: struct kmod_ctx begins with one. */
struct kmod_logger {
	kmod_log_fn fn;
	void *data;
	int priority;
};

/* Default logger: "libkmod: <LEVEL>: <fn>: <text>" on stderr. */
void log_stderr(void *data, int priority, const char *file, int line, const char *fn,
		const char *format, va_list args);
/* Priority from KMOD_LOG (number, or err/info/debug), LOG_ERR when unset. */
int log_priority_from_env(void);
int ctx_log_priority(const struct kmod_ctx *ctx);
#if ENABLE_LOGGING
void ctx_log(const struct kmod_ctx *ctx, int priority, const char *file, int line,
	     const char *fn, const char *format, ...) _printf_(6, 7);

#define kmod_log_cond(ctx, prio, ...)                                                  \
	do {                                                                           \
		if ((ctx) != NULL && ctx_log_priority(ctx) >= (prio))                  \
			ctx_log(ctx, prio, __FILE__, __LINE__, __func__, __VA_ARGS__); \
	} while (0)
#else
/*
 * Built with -Dlogging=false: every message, from the macros below or from a direct
 * ctx_log() call, is a branch never taken, so no code and no message text is left
 * in the library at any optimisation level; the arguments are still checked
 * against the format.
 */
static inline _printf_(6, 7) void ctx_log_checked(const struct kmod_ctx *ctx,
						  int priority, const char *file,
						  int line, const char *fn,
						  const char *format, ...)
{
}
#define ctx_log(...)                                  \
	do {                                          \
		if (0)                                \
			ctx_log_checked(__VA_ARGS__); \
	} while (0)
#define kmod_log_cond(ctx, prio, ...) ctx_log(ctx, prio, NULL, 0, NULL, __VA_ARGS__)
#endif

#if ENABLE_DEBUG
#define DBG(ctx, ...) kmod_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)
#else
#define DBG(ctx, ...)                                                        \
	do {                                                                 \
		if (0)                                                       \
			ctx_log(ctx, LOG_DEBUG, NULL, 0, NULL, __VA_ARGS__); \
	} while (0)
#endif
#define INFO(ctx, ...) kmod_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define NOTICE(ctx, ...) kmod_log_cond(ctx, LOG_NOTICE, __VA_ARGS__)
#define WRN(ctx, ...) kmod_log_cond(ctx, LOG_WARNING, __VA_ARGS__)
#define ERR(ctx, ...) kmod_log_cond(ctx, LOG_ERR, __VA_ARGS__)
