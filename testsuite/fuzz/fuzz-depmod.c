// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target "depmod": depmod's own text parsers. The first byte picks the parser,
 * the rest is its input: 0 a depmod.d file, 1 Module.symvers (-E), 2 System.map (-F).
 * Messages are off (a shown FATAL would exit). "--make-corpus DIR" (replay build)
 * writes a few hostile inputs.
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

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char mempath[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* no messages: a shown FATAL would exit */
	log_set_priority(LOG_EMERG);
	memfd = memfd_create("fuzz-depmod", MFD_CLOEXEC);
	if (memfd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(mempath, sizeof(mempath), "/proc/self/fd/%d", memfd);
	return 0;
}

static int run_file_parser(uint8_t kind, const uint8_t *data, size_t size)
{
	struct depmod d;

	if (ftruncate(memfd, 0) < 0 ||
	    (size > 0 && pwrite(memfd, data, size, 0) != (ssize_t)size))
		abort();
	depmod_init(&d);
	d.sym_prefix = '_';
	if (kind == 1)
		depmod_load_symvers(&d, mempath);
	else
		depmod_load_system_map(&d, mempath);
	depmod_release(&d);
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

#ifndef FUZZ_LIBFUZZER
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

#endif

#define FUZZ_INITIALIZE
#define FUZZ_MAKE_CORPUS make_corpus
#include "fuzz-main.h"
