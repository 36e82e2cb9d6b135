// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modinfo of built-in modules, from <module dir>/modules.builtin.modinfo
 * (formats.md 2.8).
 *
 * The file is a plain run of NUL-terminated records "<modname>.<key>=<value>",
 * where modname is the kbuild name (underscores). kbuild writes the records of one
 * module next to each other, so a search can stop at the first record of another
 * module once it has seen one of its own. Empty records (double NULs) are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log-lib.h"
#include "macro.h"
#include "module.h"
#include "regfile.h"

/* A read-only view of the whole file: mapped, or NULL/0 when it is empty. */
struct builtin_file {
	const char *data;
	size_t size;
};

static int builtin_file_map(const struct kmod_ctx *ctx, const char *dirname,
			    struct builtin_file *out)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	struct stat st;
	void *p;
	int len;

	len = snprintf(path, sizeof(path), "%s/modules.builtin.modinfo", dirname);
	if (len < 0 || (size_t)len >= sizeof(path))
		return -ENAMETOOLONG;

	/* never a FIFO or a device: regular files only (regfile.h) */
	fd = regfile_open(path, 0, &st);
	if (fd == -EINVAL || fd == -EISDIR) {
		ERR(ctx, "%s: not a regular file\n", path);
		return -EINVAL;
	}
	if (fd < 0)
		return fd;
	if (st.st_size == 0) {
		out->data = NULL;
		out->size = 0;
		return 0;
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	out->data = p;
	out->size = st.st_size;
	return 0;
}

static void builtin_file_unmap(struct builtin_file *f)
{
	if (f->data != NULL)
		munmap((void *)f->data, f->size);
}

int builtin_modinfo_parse(const char *data, size_t size, const char *modname,
			  char ***strings)
{
	const char *p, *end;
	const char *first = NULL, *last_end = NULL;
	size_t namelen, total = 0, count = 0, i;
	bool matched = false;
	char **array, *dst;

	if (modname == NULL || strings == NULL || (data == NULL && size > 0))
		return -EINVAL;
	namelen = strlen(modname);
	if (size == 0) {
		*strings = NULL;
		return 0;
	}
	p = data;
	end = data + size;

	/* First pass: find the module's run of records and size the result. */
	while (p < end) {
		const char *nul = memchr(p, '\0', end - p);
		const char *rec_end = nul != NULL ? nul : end;
		size_t reclen = rec_end - p;

		if (reclen > namelen && p[namelen] == '.' &&
		    memcmp(p, modname, namelen) == 0) {
			if (!matched)
				first = p;
			matched = true;
			count++;
			total += reclen - namelen; /* "key=value" + NUL */
			last_end = rec_end;
		} else if (reclen > 0 && matched) {
			break;
		}
		p = nul != NULL ? nul + 1 : end;
	}

	if (count == 0) {
		*strings = NULL;
		return 0;
	}
	if (count > INT_MAX / 2)
		return -EOVERFLOW;

	array = malloc(count * sizeof(char *) + total);
	if (array == NULL)
		return -ENOMEM;

	/* Second pass over the same run (matches and empty records only). */
	dst = (char *)(array + count);
	for (p = first, i = 0; i < count && p <= last_end && p < end;) {
		const char *nul = memchr(p, '\0', end - p);
		const char *rec_end = nul != NULL ? nul : end;
		size_t reclen = rec_end - p;

		if (reclen > namelen) {
			size_t n = reclen - namelen - 1;

			array[i++] = dst;
			memcpy(dst, p + namelen + 1, n);
			dst[n] = '\0';
			dst += n + 1;
		}
		p = nul != NULL ? nul + 1 : end;
	}

	*strings = array;
	return (int)count;
}

int builtin_get_modinfo(struct kmod_ctx *ctx, const char *modname, char ***strings)
{
	struct builtin_file f;
	const char *dirname;
	int err;

	if (ctx == NULL || modname == NULL || strings == NULL)
		return -EINVAL;

	dirname = kmod_get_dirname(ctx);
	if (dirname == NULL)
		return -ENOENT;

	err = builtin_file_map(ctx, dirname, &f);
	if (err < 0)
		return err;
	err = builtin_modinfo_parse(f.data, f.size, modname, strings);
	builtin_file_unmap(&f);
	return err;
}
