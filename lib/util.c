// SPDX-License-Identifier: LGPL-2.1-or-later
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"
#include "util.h"

uint32_t hash_superfast(const char *key, size_t len)
{
	const unsigned char *p = (const unsigned char *)key;
	uint32_t h = (uint32_t)len, t;
	size_t rem = len & 3;

	for (len >>= 2; len > 0; len--, p += 4) {
		h += (uint32_t)p[0] | (uint32_t)p[1] << 8;
		t = (((uint32_t)p[2] | (uint32_t)p[3] << 8) << 11) ^ h;
		h = (h << 16) ^ t;
		h += h >> 11;
	}
	switch (rem) {
	case 3:
		h += (uint32_t)p[0] | (uint32_t)p[1] << 8;
		h ^= h << 16;
		h ^= (uint32_t)(int32_t)(signed char)p[2] << 18;
		h += h >> 11;
		break;
	case 2:
		h += (uint32_t)p[0] | (uint32_t)p[1] << 8;
		h ^= h << 11;
		h += h >> 17;
		break;
	case 1:
		h += (uint32_t)(int32_t)(signed char)p[0];
		h ^= h << 10;
		h += h >> 1;
		break;
	}
	h ^= h << 3;
	h += h >> 5;
	h ^= h << 4;
	h += h >> 17;
	h ^= h << 25;
	h += h >> 6;
	return h;
}

int alias_normalize(const char *alias, char buf[static PATH_MAX], size_t *len)
{
	size_t i;

	for (i = 0; alias[i] != '\0'; i++) {
		char c = alias[i];

		if (i >= PATH_MAX - 1)
			return -ENAMETOOLONG;
		if (c == '-') {
			buf[i] = '_';
		} else if (c == ']') {
			return -EINVAL;
		} else if (c == '[') {
			/* Copy the range verbatim, up to and including its ']'. */
			for (; alias[i] != ']'; i++) {
				if (alias[i] == '\0')
					return -EINVAL;
				if (i >= PATH_MAX - 1)
					return -ENAMETOOLONG;
				buf[i] = alias[i];
			}
			if (i >= PATH_MAX - 1)
				return -ENAMETOOLONG;
			buf[i] = ']';
		} else {
			buf[i] = c;
		}
	}
	buf[i] = '\0';
	if (len)
		*len = i;
	return 0;
}

int underscores(char *s)
{
	for (size_t i = 0; s[i] != '\0'; i++) {
		switch (s[i]) {
		case '-':
			s[i] = '_';
			break;
		case ']':
			return -EINVAL;
		case '[': {
			size_t n = strcspn(s + i, "]");

			if (s[i + n] == '\0')
				return -EINVAL;
			i += n;
			break;
		}
		}
	}
	return 0;
}

char *modname_normalize(const char *modname, char buf[static PATH_MAX], size_t *len)
{
	size_t i;

	for (i = 0; modname[i] != '\0' && modname[i] != '.'; i++) {
		if (i >= PATH_MAX - 1)
			return NULL;
		buf[i] = modname[i] == '-' ? '_' : modname[i];
	}
	buf[i] = '\0';
	if (len)
		*len = i;
	return buf;
}

char *path_to_modname(const char *path, char buf[static PATH_MAX], size_t *len)
{
	const char *base = strrchr(path, '/');

	return modname_normalize(base ? base + 1 : path, buf, len);
}

bool path_ends_with_kmod_ext(const char *path, size_t len)
{
	/*
	 * Every suffix, whichever decompressors are built in: a module in a format this
	 * build cannot read is still a module, and reading it then fails naming the
	 * missing support (depmod fails rather than write an index without it).
	 */
	static const char *const exts[] = { ".ko", ".ko.gz", ".ko.xz", ".ko.zst" };

	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		size_t elen = strlen(exts[i]);

		if (len >= elen && memcmp(path + len - elen, exts[i], elen) == 0)
			return true;
	}
	return false;
}

ssize_t read_str_safe(int fd, char *buf, size_t buflen)
{
	size_t done = 0;

	if (buflen == 0)
		return -EINVAL;
	while (done < buflen - 1) {
		ssize_t r = read(fd, buf + done, buflen - 1 - done);

		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		done += r;
	}
	buf[done] = '\0';
	return done;
}

ssize_t write_str_safe(int fd, const char *buf, size_t buflen)
{
	size_t done = 0;

	while (done < buflen) {
		ssize_t r = write(fd, buf + done, buflen - done);

		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		done += r;
	}
	return done;
}

/*
 * The number in fd's text, parsed with strtol() into *sv or, when sv is NULL, with
 * strtoul() into *uv; written only when digits were found, followed by nothing but
 * white space, and in range.
 */
static int read_str_number(int fd, int base, long *sv, unsigned long *uv)
{
	char buf[64], *end;
	ssize_t r = read_str_safe(fd, buf, sizeof(buf));
	unsigned long u = 0;
	long v = 0;

	if (r < 0)
		return (int)r;
	errno = 0;
	if (sv != NULL)
		v = strtol(buf, &end, base);
	else
		u = strtoul(buf, &end, base);
	if (end == buf || (*end != '\0' && !isspace((unsigned char)*end)))
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	if (sv != NULL)
		*sv = v;
	else
		*uv = u;
	return 0;
}

int read_str_long(int fd, long *value, int base)
{
	return read_str_number(fd, base, value, NULL);
}

int read_str_ulong(int fd, unsigned long *value, int base)
{
	return read_str_number(fd, base, NULL, value);
}

int path_module_dir(const char *root, const char *moduledir, const char *kver,
		    char buf[static PATH_MAX])
{
	struct utsname u;
	int n;

	if (kver == NULL) {
		if (uname(&u) < 0)
			return -errno;
		kver = u.release;
	}
	if (moduledir == NULL)
		moduledir = MODULE_DIRECTORY;
	/* one slash after root, however the directory was spelled (depmod -m) */
	while (*moduledir == '/')
		moduledir++;
	n = snprintf(buf, PATH_MAX, "%s/%s/%s", root ? root : "", moduledir, kver);
	if (n < 0 || n >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

int read_file(const char *path, char **contents, size_t *size)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct strbuf buf;
	char chunk[8192];

	if (fd < 0)
		return -errno;
	strbuf_init(&buf);
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));

		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			strbuf_release(&buf);
			return (int)r;
		}
		if (!strbuf_pushmem(&buf, chunk, r)) {
			strbuf_release(&buf);
			return -ENOMEM;
		}
	}
	if (size)
		*size = buf.used;
	*contents = strbuf_steal(&buf);
	return *contents ? 0 : -ENOMEM;
}

char *freadline_wrapped(FILE *fp, unsigned int *linenum)
{
	struct strbuf buf;
	unsigned int consumed = 0;
	int c;

	strbuf_init(&buf);
	for (;;) {
		c = getc_unlocked(fp);
		if (c == EOF) {
			if (buf.used == 0 && consumed == 0)
				goto eof;
			consumed++;
			break;
		}
		if (c == '\n') {
			consumed++;
			break;
		}
		if (c == '\\') {
			int next = getc_unlocked(fp);

			if (next == EOF)
				continue; /* a final backslash is dropped */
			if (next == '\n') {
				consumed++;
				continue; /* join with the next physical line */
			}
			c = next;
		}
		if (!strbuf_pushchar(&buf, (char)c))
			goto eof;
	}
	if (linenum)
		*linenum += consumed;
	return strbuf_steal(&buf);
eof:
	strbuf_release(&buf);
	return NULL;
}

int mkdir_p(const char *path, size_t len, mode_t mode)
{
	_cleanup_free_ char *p = strndup(path, len);
	struct stat st;

	if (p == NULL)
		return -ENOMEM;
	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
	if (stat(p, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int mkdir_parents(const char *path, mode_t mode)
{
	const char *end = strrchr(path, '/');

	if (end == NULL || end == path)
		return 0;
	return mkdir_p(path, end - path, mode);
}

char *path_make_absolute_cwd(const char *p)
{
	_cleanup_free_ char *cwd = NULL;
	char *r;

	if (p[0] == '/')
		return strdup(p);
	cwd = getcwd(NULL, 0);
	if (cwd == NULL)
		return NULL;
	if (asprintf(&r, "%s/%s", cwd, p) < 0)
		return NULL;
	return r;
}

unsigned long long ts_usec(const struct timespec *ts)
{
	return (unsigned long long)ts->tv_sec * 1000000ULL +
	       (unsigned long long)ts->tv_nsec / 1000;
}

unsigned long long now_usec(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return ts_usec(&ts);
}

unsigned long long stat_mstamp(const struct stat *st)
{
	return ts_usec(&st->st_mtim);
}
