// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz entry for depmod's own text parsers: the first byte picks the parser, the rest
 * is its input. 0: a depmod.d file, 1: Module.symvers (-E), 2: System.map (-F).
 *
 * Built as a plain program too: `fuzz-depmod FILE...` replays files and prints TAP;
 * `fuzz-depmod --make-corpus DIR` writes a few hostile inputs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "src/depmod.h"
#include "lib/hash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file_parser(uint8_t kind, const uint8_t *data, size_t size)
{
	struct depmod d;
	char path[64];
	int fd = memfd_create("fuzz-depmod", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	depmod_init(&d);
	d.sym_prefix = '_';
	if (kind == 1)
		depmod_load_symvers(&d, path);
	else
		depmod_load_system_map(&d, path);
	depmod_release(&d);
	close(fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct depmod_config cfg;
	FILE *fp;

	if (size == 0)
		return 0;
	if (data[0] % 3 != 0)
		return run_file_parser(data[0] % 3, data + 1, size - 1);
	fp = fmemopen(size > 1 ? (void *)(data + 1) : (void *)"", size > 1 ? size - 1 : 1,
		      "r");
	if (fp == NULL)
		return 0;
	depmod_config_init(&cfg);
	depmod_config_parse(&cfg, fp, "fuzz.conf", "6.1.0-50-amd64");
	depmod_config_release(&cfg);
	fclose(fp);
	return 0;
}

#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
static const struct {
	const char *name;
	const char *data;
	size_t len;
} corpus[] = {
#define C(n, s)                     \
	{                           \
		n, s, sizeof(s) - 1 \
	}
	C("conf-all",
	  "\0search a b built-in external\noverride m * kernel\nexternal * /x\n"
	  "exclude a b\ninclude x\nmake_map_files\n"),
	C("conf-short", "\0override\noverride m\noverride m *\nexternal\nexternal *\n"),
	C("conf-regex", "\0override m ([[[ k\nexternal (((( /x\nexternal \\ /y\n"),
	C("conf-cont", "\0search \\\n a\\\n\\"),
	C("conf-binary", "\0\xff\xfe\x00\x01search\x00x\n#\n \t\n"),
	C("symvers",
	  "\x01"
	  "0x1\ta\tvmlinux\tE\nzz\tb\tvmlinux\n0x\t\t\n\n0xffffffffffffffffff\tc\tvmlinux\n"),
	C("symvers-long",
	  "\x01"
	  "0x1\t_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\tvmlinux\n"),
	C("sysmap", "\x02"
		    "0 T __ksymtab_x\n1 T\n\n2 r __ksymtab_\n3 r ___ksymtab_y\n"),
	C("sysmap-nonl", "\x02"
			 "0 T __ksymtab_x"),
#undef C
};

static int make_corpus(const char *dir)
{
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		char path[4096];
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s", dir, corpus[i].name);
		fp = fopen(path, "we");
		if (fp == NULL ||
		    fwrite(corpus[i].data, 1, corpus[i].len, fp) != corpus[i].len) {
			perror(path);
			if (fp != NULL)
				fclose(fp);
			return EXIT_FAILURE;
		}
		fclose(fp);
	}
	return EXIT_SUCCESS;
}

int main(int argc, char *argv[])
{
	if (argc == 3 && strcmp(argv[1], "--make-corpus") == 0)
		return make_corpus(argv[2]);
	/* no messages: a shown FATAL would exit */
	log_set_priority(LOG_EMERG);
	printf("TAP version 13\n");
	for (int i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "re");
		uint8_t *buf = NULL;
		size_t len = 0, cap = 0;
		int c;

		if (fp == NULL) {
			printf("not ok %d - %s: %s\n", i, argv[i], strerror(errno));
			continue;
		}
		while ((c = getc(fp)) != EOF) {
			if (len == cap) {
				cap = cap ? 2 * cap : 4096;
				buf = realloc(buf, cap);
				if (buf == NULL)
					abort();
			}
			buf[len++] = (uint8_t)c;
		}
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		printf("ok %d - %s\n", i, argv[i]);
	}
	printf("1..%d\n", argc - 1);
	return EXIT_SUCCESS;
}
#endif
