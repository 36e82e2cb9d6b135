// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modkit-nodlopen.so: an LD_PRELOAD library that makes dlopen() fail for chosen
 * libraries, to test a decompression library missing at run time without
 * uninstalling it. MODKIT_NODLOPEN holds sonames separated by ':' (e.g.
 * "libzstd.so.1:libz.so.1"); a dlopen() whose file name (last path component)
 * is one of them returns NULL and the next dlerror() of that thread explains
 * it. Every other call goes to the real dlopen(). Each refusal is counted on
 * stderr when MODKIT_NODLOPEN_DEBUG is set.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void *(*dlopen_fn)(const char *, int);
typedef char *(*dlerror_fn)(void);

static __thread char refused[256];

static void *next_symbol(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static int blocked(const char *file)
{
	const char *list = getenv("MODKIT_NODLOPEN");
	const char *base, *p;
	size_t len;

	if (list == NULL || file == NULL)
		return 0;
	base = strrchr(file, '/');
	base = base != NULL ? base + 1 : file;
	len = strlen(base);
	for (p = list; *p != '\0';) {
		size_t n = strcspn(p, ":");

		if (n == len && strncmp(p, base, n) == 0)
			return 1;
		p += n;
		if (*p == ':')
			p++;
	}
	return 0;
}

void *dlopen(const char *file, int mode)
{
	dlopen_fn real;

	if (blocked(file)) {
		snprintf(refused, sizeof(refused),
			 "%s: cannot open shared object file: refused by modkit-nodlopen",
			 file);
		if (getenv("MODKIT_NODLOPEN_DEBUG") != NULL)
			fprintf(stderr, "modkit-nodlopen: refused %s\n", file);
		return NULL;
	}
	real = (dlopen_fn)next_symbol("dlopen");
	return real != NULL ? real(file, mode) : NULL;
}

char *dlerror(void)
{
	dlerror_fn real;

	if (refused[0] != '\0') {
		static __thread char msg[256];

		memcpy(msg, refused, sizeof(msg));
		refused[0] = '\0';
		return msg;
	}
	real = (dlerror_fn)next_symbol("dlerror");
	return real != NULL ? real() : NULL;
}
