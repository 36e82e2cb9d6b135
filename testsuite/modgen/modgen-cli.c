// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modkit-modgen: command-line front end of the modgen library (one module per run).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

#include "modgen.h"

static void usage(FILE *f)
{
	fputs("Usage: modkit-modgen [OPTIONS] OUTPUT\n"
	      "Writes a synthetic kernel module to OUTPUT (.ko, .ko.gz, .ko.xz, .ko.zst).\n"
	      "\n"
	      "  -n, --name NAME          name in .gnu.linkonce.this_module\n"
	      "                           (default: module name of OUTPUT)\n"
	      "      --no-name            no .gnu.linkonce.this_module, no __this_module\n"
	      "  -c, --class 32|64        ELF class (default 64)\n"
	      "  -e, --endian little|big  byte order (default little)\n"
	      "      --machine N          e_machine (default x86_64/i386/ppc64/ppc)\n"
	      "  -m, --modinfo ENTRY      .modinfo string (key=value), repeatable, in order;\n"
	      "                           backslash escapes \\\\ \\n \\t \\s \\0 \\xHH\n"
	      "      --modinfo-raw BYTES  raw .modinfo bytes (escapes as above, no NUL added)\n"
	      "  -V, --modversion CRC:SYM __versions record\n"
	      "  -x, --export SYM[:CRC[:NAMESPACE]]\n"
	      "                           exported symbol (CRC default 0)\n"
	      "      --export-gpl SYM[:CRC[:NAMESPACE]]\n"
	      "                           the same, CRC in __kcrctab_gpl\n"
	      "  -u, --undef SYM          undefined GLOBAL symbol\n"
	      "  -w, --weak SYM           undefined WEAK symbol\n"
	      "      --crc-abs            __crc_ symbols as SHN_ABS (value = CRC)\n"
	      "      --no-modversions     no __crc_ symbols, only __ksymtab_strings\n"
	      "      --section NAME:HEX   extra PROGBITS/ALLOC section\n"
	      "      --build-id HEX       .note.gnu.build-id section with this build ID\n"
	      "  -s, --sign[=CN]          append a PKCS#7 signature (openssl cms)\n"
	      "  -k, --keydir DIR         where signing keys live (default\n"
	      "                           $MODKIT_MODGEN_KEYDIR or $TMPDIR/modkit-modgen-keys)\n"
	      "      --raw-sig ID_TYPE,ALGO,HASH,SIGNER,KEYID_HEX,SIG_HEX\n"
	      "                           append a raw signature trailer (SIGNER escaped)\n"
	      "  -z, --compress none|gzip|xz|zstd\n"
	      "                           (default: from OUTPUT's extension)\n"
	      "      --print-cert         print the signing certificate's path and exit\n"
	      "  -h, --help\n",
	      f);
}

enum {
	OPT_NO_NAME = 256,
	OPT_MACHINE,
	OPT_MODINFO_RAW,
	OPT_CRC_ABS,
	OPT_NO_MODVERSIONS,
	OPT_SECTION,
	OPT_RAW_SIG,
	OPT_PRINT_CERT,
	OPT_EXPORT_GPL,
	OPT_BUILD_ID,
};

static const struct option options[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "no-name", no_argument, NULL, OPT_NO_NAME },
	{ "class", required_argument, NULL, 'c' },
	{ "endian", required_argument, NULL, 'e' },
	{ "machine", required_argument, NULL, OPT_MACHINE },
	{ "modinfo", required_argument, NULL, 'm' },
	{ "modinfo-raw", required_argument, NULL, OPT_MODINFO_RAW },
	{ "modversion", required_argument, NULL, 'V' },
	{ "export", required_argument, NULL, 'x' },
	{ "export-gpl", required_argument, NULL, OPT_EXPORT_GPL },
	{ "undef", required_argument, NULL, 'u' },
	{ "weak", required_argument, NULL, 'w' },
	{ "crc-abs", no_argument, NULL, OPT_CRC_ABS },
	{ "no-modversions", no_argument, NULL, OPT_NO_MODVERSIONS },
	{ "section", required_argument, NULL, OPT_SECTION },
	{ "build-id", required_argument, NULL, OPT_BUILD_ID },
	{ "sign", optional_argument, NULL, 's' },
	{ "keydir", required_argument, NULL, 'k' },
	{ "raw-sig", required_argument, NULL, OPT_RAW_SIG },
	{ "compress", required_argument, NULL, 'z' },
	{ "print-cert", no_argument, NULL, OPT_PRINT_CERT },
	{ "help", no_argument, NULL, 'h' },
	{}
};

static _noreturn_ _printf_(1, 2) void die(const char *fmt, ...)
{
	va_list ap;

	fputs("modkit-modgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void check(int r, const char *what, const char *arg)
{
	if (r < 0)
		die("%s '%s': %s", what, arg, strerror(-r));
}

static int parse_compression(const char *s, enum modgen_compression *c)
{
	if (streq(s, "none"))
		*c = MODGEN_COMPRESS_NONE;
	else if (streq(s, "gzip") || streq(s, "gz"))
		*c = MODGEN_COMPRESS_GZIP;
	else if (streq(s, "xz"))
		*c = MODGEN_COMPRESS_XZ;
	else if (streq(s, "zstd") || streq(s, "zst"))
		*c = MODGEN_COMPRESS_ZSTD;
	else
		return -EINVAL;
	return 0;
}

static void add_modinfo(struct modgen_module *m, const char *arg, bool raw)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;

	check(modgen_unescape(arg, &buf, &len), "bad escape in", arg);
	check(modgen_add_modinfo_raw(m, buf, raw ? len : len + 1), "cannot add", arg);
}

static void add_modversion(struct modgen_module *m, const char *arg)
{
	_cleanup_free_ char *crc = strdup(arg);
	char *sym = crc ? strchr(crc, ':') : NULL;
	uint64_t v;

	if (sym == NULL)
		die("--modversion wants CRC:SYM, got '%s'", arg);
	*sym++ = '\0';
	check(modgen_parse_u64(crc, &v), "bad CRC in", arg);
	check(modgen_add_version(m, v, sym), "cannot add", arg);
}

static void add_export(struct modgen_module *m, const char *arg, bool gpl)
{
	_cleanup_free_ char *sym = strdup(arg);
	char *crc = sym ? strchr(sym, ':') : NULL, *ns = NULL;
	uint32_t v = 0;

	if (sym == NULL)
		die("out of memory");
	if (crc != NULL) {
		*crc++ = '\0';
		ns = strchr(crc, ':');
		if (ns != NULL)
			*ns++ = '\0';
		if (crc[0] != '\0')
			check(modgen_parse_u32(crc, &v), "bad CRC in", arg);
	}
	check(modgen_add_export_full(m, sym, v, ns, gpl), "cannot add export", arg);
}

static void add_section(struct modgen_module *m, const char *arg)
{
	_cleanup_free_ char *name = strdup(arg);
	_cleanup_free_ uint8_t *data = NULL;
	char *hex = name ? strchr(name, ':') : NULL;
	size_t len;

	if (hex == NULL)
		die("--section wants NAME:HEX, got '%s'", arg);
	*hex++ = '\0';
	check(modgen_parse_hex(hex, &data, &len), "bad hex in", arg);
	check(modgen_add_section(m, name, 1, 2, data, len), "cannot add section", arg);
}

/* ID_TYPE,ALGO,HASH,SIGNER,KEYID_HEX,SIG_HEX */
static void set_raw_sig(struct modgen_module *m, const char *arg)
{
	_cleanup_free_ char *copy = strdup(arg), *signer = NULL;
	_cleanup_free_ uint8_t *keyid = NULL, *sig = NULL;
	char *field[6], *p = copy;
	struct modgen_raw_sig rs = { 0 };
	size_t signer_len, keyid_len, sig_len;
	uint32_t v[3];

	if (copy == NULL)
		die("out of memory");
	for (int i = 0; i < 6; i++) {
		field[i] = p;
		p = p ? strchr(p, ',') : NULL;
		if (p != NULL)
			*p++ = '\0';
		if (field[i] == NULL || (i == 5 && p != NULL))
			die("--raw-sig wants ID_TYPE,ALGO,HASH,SIGNER,KEYID_HEX,SIG_HEX");
	}
	for (int i = 0; i < 3; i++) {
		check(modgen_parse_u32(field[i], &v[i]), "bad number in", arg);
		if (v[i] > 255)
			die("--raw-sig: %s does not fit a byte", field[i]);
	}
	check(modgen_unescape(field[3], &signer, &signer_len), "bad escape in", arg);
	check(modgen_parse_hex(field[4], &keyid, &keyid_len), "bad hex in", arg);
	check(modgen_parse_hex(field[5], &sig, &sig_len), "bad hex in", arg);
	if (signer_len > 255 || keyid_len > 255)
		die("--raw-sig: signer and key id are limited to 255 bytes");
	rs.id_type = (uint8_t)v[0];
	rs.algo = (uint8_t)v[1];
	rs.hash = (uint8_t)v[2];
	rs.signer = signer;
	rs.signer_len = (uint8_t)signer_len;
	rs.key_id = keyid;
	rs.key_id_len = (uint8_t)keyid_len;
	rs.sig = sig;
	rs.sig_len = (uint32_t)sig_len;
	check(modgen_set_raw_signature(m, &rs), "cannot set", arg);
}

int main(int argc, char *argv[])
{
	struct modgen_module *m = modgen_new(NULL);
	_cleanup_free_ char *keydir = NULL, *cn = NULL, *name = NULL;
	bool sign = false, no_name = false, have_comp = false, print_cert = false;
	enum modgen_compression comp = MODGEN_COMPRESS_NONE;
	const char *out;
	int c, r;

	if (m == NULL)
		die("out of memory");
	while ((c = getopt_long(argc, argv, "n:c:e:m:V:x:u:w:s::k:z:h", options, NULL)) !=
	       -1) {
		uint32_t v;

		switch (c) {
		case 'n':
			free(name);
			name = strdup(optarg);
			no_name = false;
			break;
		case OPT_NO_NAME:
			no_name = true;
			break;
		case 'c':
			if (modgen_parse_u32(optarg, &v) < 0 ||
			    modgen_set_class(m, (int)v) < 0)
				die("--class wants 32 or 64, got '%s'", optarg);
			break;
		case 'e':
			if (streq(optarg, "little") || streq(optarg, "le"))
				r = modgen_set_endian(m, MODGEN_LITTLE);
			else if (streq(optarg, "big") || streq(optarg, "be"))
				r = modgen_set_endian(m, MODGEN_BIG);
			else
				die("--endian wants little or big, got '%s'", optarg);
			check(r, "--endian", optarg);
			break;
		case OPT_MACHINE:
			check(modgen_parse_u32(optarg, &v), "bad --machine", optarg);
			if (v > 0xffff)
				die("--machine: %s is too large", optarg);
			modgen_set_machine(m, (uint16_t)v);
			break;
		case 'm':
			add_modinfo(m, optarg, false);
			break;
		case OPT_MODINFO_RAW:
			add_modinfo(m, optarg, true);
			break;
		case 'V':
			add_modversion(m, optarg);
			break;
		case 'x':
		case OPT_EXPORT_GPL:
			add_export(m, optarg, c == OPT_EXPORT_GPL);
			break;
		case 'u':
		case 'w':
			check(modgen_add_undef(m, optarg, c == 'w'), "cannot add",
			      optarg);
			break;
		case OPT_CRC_ABS:
			modgen_set_crc_mode(m, MODGEN_CRC_ABS);
			break;
		case OPT_NO_MODVERSIONS:
			modgen_set_crc_mode(m, MODGEN_CRC_NONE);
			break;
		case OPT_SECTION:
			add_section(m, optarg);
			break;
		case OPT_BUILD_ID: {
			_cleanup_free_ uint8_t *id = NULL;
			size_t len = 0;

			check(modgen_parse_hex(optarg, &id, &len), "bad hex in", optarg);
			check(modgen_set_build_id(m, id, len), "cannot set", optarg);
			break;
		}
		case 's':
			sign = true;
			free(cn);
			cn = optarg ? strdup(optarg) : NULL;
			break;
		case 'k':
			free(keydir);
			keydir = strdup(optarg);
			break;
		case OPT_RAW_SIG:
			sign = false;
			set_raw_sig(m, optarg);
			break;
		case 'z':
			if (parse_compression(optarg, &comp) < 0)
				die("--compress wants none, gzip, xz or zstd, got '%s'",
				    optarg);
			have_comp = true;
			break;
		case OPT_PRINT_CERT:
			print_cert = true;
			break;
		case 'h':
			usage(stdout);
			modgen_free(m);
			return 0;
		default:
			usage(stderr);
			modgen_free(m);
			return 1;
		}
	}
	if (keydir == NULL && (keydir = modgen_default_keydir()) == NULL)
		die("out of memory");
	if (print_cert) {
		_cleanup_free_ char *cert = NULL;

		check(modgen_key_ensure(keydir, cn, NULL, &cert), "cannot make key in",
		      keydir);
		printf("%s\n", cert);
		modgen_free(m);
		return 0;
	}
	if (optind != argc - 1) {
		usage(stderr);
		modgen_free(m);
		return 1;
	}
	out = argv[optind];
	if (!no_name && name == NULL && (name = modgen_modname(out)) == NULL)
		die("out of memory");
	check(modgen_set_name(m, no_name ? NULL : name), "bad --name", name ? name : "");
	if (sign)
		check(modgen_set_sign(m, keydir, cn), "cannot sign with", keydir);
	check(modgen_set_compression(m, have_comp ? comp :
						    modgen_compression_from_path(out)),
	      "bad compression for", out);
	r = modgen_write(m, out);
	modgen_free(m);
	if (r < 0)
		die("cannot write '%s': %s", out, strerror(-r));
	return 0;
}
