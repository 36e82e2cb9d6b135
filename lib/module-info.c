// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Metadata read from a module's file: .modinfo entries (plus the signature
 * fields), __versions records, exported symbols and the symbols it needs.
 * Built-in modules have no file; their .modinfo comes from
 * modules.builtin.modinfo (builtin.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kmod-elf.h"
#include "file.h"
#include "list.h"
#include "log-lib.h"
#include "macro.h"
#include "module.h"
#include "signature.h"

/*
 * The values of the PKCS#7 signature fields need libcrypto, whose loading costs
 * more than everything else modinfo does: they are decoded the first time one of
 * them is read (modinfo -F alias never pays for it). The entries of one signature
 * share this, and it keeps its own copy of the trailer, so that the list may
 * outlive the module.
 */
struct sig_lazy {
	int refcount;
	bool decoded;
	size_t len;
	char *values[5]; /* signer, sig_key, sig_hashalgo, signature; [4] unused */
	unsigned char trailer[];
};

enum sig_lazy_field {
	SIG_LAZY_SIGNER,
	SIG_LAZY_KEY,
	SIG_LAZY_HASHALGO,
	SIG_LAZY_SIGNATURE,
};

struct module_info {
	char *value;
	struct sig_lazy *lazy; /* NULL, or value is decoded on demand */
	enum sig_lazy_field field;
	char key[];
};

struct module_symbol {
	uint64_t crc;
	char symbol[];
};

struct module_dependency_symbol {
	uint64_t crc;
	uint8_t bind;
	char symbol[];
};

static void elf_freep(struct kmod_elf **elf)
{
	elf_free(*elf);
}
#define _cleanup_elf_ _cleanup_(elf_freep)

/* Parses the (decompressed) image of the module's file; the image stays owned by
 * the module's kmod_file, which outlives the returned object. */
static int module_get_elf(const struct kmod_module *mod, struct kmod_file **filep,
			  struct kmod_elf **elf)
{
	struct kmod_file *file;
	int err;

	err = module_get_file(mod, &file);
	if (err < 0)
		return err;
	err = file_load_contents(file);
	if (err < 0)
		return err;
	err = elf_new(file_get_contents(file), file_get_size(file), elf);
	if (err < 0)
		return err;
	if (filep != NULL)
		*filep = file;
	return 0;
}

static struct kmod_list *info_append(struct kmod_list *list, const char *key,
				     size_t keylen, const char *value, size_t valuelen)
{
	struct module_info *info;
	struct kmod_list *n;
	size_t size;

	if (uadd_overflow(keylen, valuelen, &size) || uadd_overflow(size, 2, &size) ||
	    uadd_overflow(size, sizeof(*info), &size))
		return NULL;
	info = malloc(size);
	if (info == NULL)
		return NULL;
	info->lazy = NULL;
	memcpy(info->key, key, keylen);
	info->key[keylen] = '\0';
	info->value = info->key + keylen + 1;
	memcpy(info->value, value, valuelen);
	info->value[valuelen] = '\0';

	n = kmod_list_append(list, info);
	if (n == NULL)
		free(info);
	return n;
}

static struct kmod_list *info_append_hex(struct kmod_list *list, const char *key,
					 const char *bytes, size_t len)
{
	_cleanup_free_ char *hex = sig_hex_format(bytes, len);

	if (hex == NULL)
		return NULL;
	return info_append(list, key, strlen(key), hex, strlen(hex));
}

static void sig_info_releasep(struct sig_info *sig)
{
	sig_info_release(sig);
}

static void sig_lazy_unref(struct sig_lazy *lazy)
{
	if (lazy == NULL || --lazy->refcount > 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(lazy->values); i++)
		free(lazy->values[i]);
	free(lazy);
}

static void sig_lazy_unrefp(struct sig_lazy **lazy)
{
	sig_lazy_unref(*lazy);
}

/* Decodes the signature once; a signature that cannot be decoded gives empty
 * values (kmod would have left the fields out: it decodes before listing). */
static void sig_lazy_decode(struct sig_lazy *lazy)
{
	_cleanup_(sig_info_releasep) struct sig_info sig = { 0 };

	if (lazy->decoded)
		return;
	lazy->decoded = true;
	if (!sig_info_get(lazy->trailer, lazy->len, &sig))
		return;
	lazy->values[SIG_LAZY_SIGNER] = strndup(sig.signer ? sig.signer : "",
						sig.signer_len);
	lazy->values[SIG_LAZY_KEY] = sig_hex_format(sig.key_id, sig.key_id_len);
	lazy->values[SIG_LAZY_HASHALGO] = strdup(sig.hash_algo);
	lazy->values[SIG_LAZY_SIGNATURE] = sig_hex_format(sig.sig, sig.sig_len);
}

static struct kmod_list *info_append_lazy(struct kmod_list *list, const char *key,
					  struct sig_lazy *lazy,
					  enum sig_lazy_field field)
{
	struct kmod_list *n = info_append(list, key, strlen(key), "", 0);
	struct module_info *info;

	if (n == NULL)
		return NULL;
	info = kmod_list_last(n)->data;
	info->value = NULL;
	info->lazy = lazy;
	info->field = field;
	lazy->refcount++;
	return n;
}

/* Takes n, the list an info_append*() returned, as *list; -ENOMEM for NULL (out of
 * memory: *list is left as it was), else 1, the entry to count. */
static int info_took(struct kmod_list **list, struct kmod_list *n)
{
	if (n == NULL)
		return -ENOMEM;
	*list = n;
	return 1;
}

/* PKCS#7 with libcrypto: sig_id now, the other four fields when first read. */
static int info_append_signature_lazy(struct kmod_list **list, const void *mem,
				      size_t size, size_t trailer_len)
{
	static const struct {
		const char *key;
		enum sig_lazy_field field;
	} fields[] = {
		{ "signer", SIG_LAZY_SIGNER },
		{ "sig_key", SIG_LAZY_KEY },
		{ "sig_hashalgo", SIG_LAZY_HASHALGO },
		{ "signature", SIG_LAZY_SIGNATURE },
	};
	/* the list entries hold their own references */
	_cleanup_(sig_lazy_unrefp) struct sig_lazy *lazy = NULL;
	int count, err;

	lazy = calloc(1, sizeof(*lazy) + trailer_len);
	if (lazy == NULL)
		return -ENOMEM;
	lazy->refcount = 1;
	lazy->len = trailer_len;
	memcpy(lazy->trailer, (const unsigned char *)mem + size - trailer_len,
	       trailer_len);

	count = info_took(list, info_append(*list, "sig_id", STRLEN("sig_id"), "PKCS#7",
					    STRLEN("PKCS#7")));
	for (size_t i = 0; count > 0 && i < ARRAY_SIZE(fields); i++) {
		err = info_took(list, info_append_lazy(*list, fields[i].key, lazy,
						       fields[i].field));
		count = err < 0 ? err : count + err;
	}
	return count;
}

/* The fields of a decoded signature in modinfo's order (formats.md 4). The hex
 * ones are left out when empty: like kmod, an empty signature (PKCS#7 without
 * libcrypto) is not listed. Returns the number appended or -ENOMEM. */
static int info_append_sig_info(struct kmod_list **list, const struct sig_info *sig)
{
	const struct {
		const char *key;
		const char *data;
		size_t len;
		bool hex;
	} fields[] = {
		{ "sig_id", sig->id_type, strlen(sig->id_type), false },
		{ "signer", sig->signer ? sig->signer : "",
		  sig->signer ? sig->signer_len : 0, false },
		{ "sig_key", sig->key_id, sig->key_id_len, true },
		{ "sig_hashalgo", sig->hash_algo, strlen(sig->hash_algo), false },
		{ "signature", sig->sig, sig->sig_len, true },
	};
	int count = 0;

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const char *key = fields[i].key;
		struct kmod_list *n;
		int err;

		if (fields[i].hex && fields[i].len == 0)
			continue;
		if (fields[i].hex)
			n = info_append_hex(*list, key, fields[i].data, fields[i].len);
		else
			n = info_append(*list, key, strlen(key), fields[i].data,
					fields[i].len);
		err = info_took(list, n);
		if (err < 0)
			return err;
		count += err;
	}
	return count;
}

/* Appends the signature fields, if the module is signed; returns the number
 * appended or -ENOMEM. */
static int info_append_signature(struct kmod_list **list, const struct kmod_file *file)
{
	_cleanup_(sig_info_releasep) struct sig_info sig = { 0 };

	if (ENABLE_OPENSSL) {
		size_t trailer_len;
		int id_type = sig_trailer_probe(file_get_contents(file),
						file_get_size(file), &trailer_len);

		if (id_type == 2)
			return info_append_signature_lazy(list, file_get_contents(file),
							  file_get_size(file),
							  trailer_len);
	}
	if (!sig_info_get(file_get_contents(file), file_get_size(file), &sig))
		return 0;
	return info_append_sig_info(list, &sig);
}

static void info_free(void *data)
{
	struct module_info *info = data;

	if (info != NULL)
		sig_lazy_unref(info->lazy);
	free(info);
}

/* Cleanup for lists being built, freed unless TAKE_PTR() hands them out. */
static void info_listp(struct kmod_list **list)
{
	module_list_free_data(*list, info_free);
}

static void symbol_listp(struct kmod_list **list)
{
	module_list_free_data(*list, free);
}

KMOD_EXPORT int kmod_module_get_info(const struct kmod_module *mod,
				     struct kmod_list **list)
{
	_cleanup_free_ char **strings = NULL;
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	_cleanup_(info_listp) struct kmod_list *l = NULL;
	struct kmod_file *file = NULL;
	int count, i, err;

	if (mod == NULL || list == NULL)
		return -ENOENT;

	if (module_is_builtin(mod)) {
		count = builtin_get_modinfo(mod->ctx, mod->name, &strings);
		if (count < 0)
			return count;
	} else {
		err = module_get_elf(mod, &file, &elf);
		if (err < 0)
			return err;
		count = elf_get_strings(elf, ".modinfo", &strings);
		if (count < 0)
			return count;
	}

	for (i = 0; i < count; i++) {
		const char *key = strings[i];
		const char *eq = strchr(key, '=');
		size_t keylen = eq != NULL ? (size_t)(eq - key) : strlen(key);
		const char *value = eq != NULL ? eq + 1 : "";
		struct kmod_list *n = info_append(l, key, keylen, value, strlen(value));

		if (n == NULL)
			return -ENOMEM;
		l = n;
	}

	if (file != NULL) {
		err = info_append_signature(&l, file);
		if (err < 0)
			return err;
		count += err;
	}

	*list = kmod_list_append_list(*list, TAKE_PTR(l));
	return count;
}

KMOD_EXPORT const char *kmod_module_info_get_key(const struct kmod_list *entry)
{
	const struct module_info *info = module_entry_data(entry);

	return info != NULL ? info->key : NULL;
}

KMOD_EXPORT const char *kmod_module_info_get_value(const struct kmod_list *entry)
{
	struct module_info *info = module_entry_data(entry);

	if (info == NULL)
		return NULL;
	if (info->lazy != NULL && info->value == NULL) {
		sig_lazy_decode(info->lazy);
		info->value = info->lazy->values[info->field];
		if (info->value == NULL)
			info->value = info->key + strlen(info->key); /* "" */
	}
	return info->value;
}

KMOD_EXPORT void kmod_module_info_free_list(struct kmod_list *list)
{
	module_list_free_data(list, info_free);
}

/* One list entry per record: crc plus a copy of the symbol name, with the extra
 * bind byte for dependency symbols. */
static int symbol_list_build(const struct kmod_modversion *syms, int count,
			     bool with_bind, struct kmod_list **list)
{
	_cleanup_(symbol_listp) struct kmod_list *l = NULL;
	int i;

	for (i = 0; i < count; i++) {
		size_t len = strlen(syms[i].symbol) + 1;
		struct kmod_list *n;
		void *data;

		if (with_bind) {
			struct module_dependency_symbol *d = malloc(sizeof(*d) + len);

			if (d == NULL)
				return -ENOMEM;
			d->crc = syms[i].crc;
			d->bind = (uint8_t)syms[i].bind;
			memcpy(d->symbol, syms[i].symbol, len);
			data = d;
		} else {
			struct module_symbol *s = malloc(sizeof(*s) + len);

			if (s == NULL)
				return -ENOMEM;
			s->crc = syms[i].crc;
			memcpy(s->symbol, syms[i].symbol, len);
			data = s;
		}

		n = kmod_list_append(l, data);
		if (n == NULL) {
			free(data);
			return -ENOMEM;
		}
		l = n;
	}

	*list = kmod_list_append_list(*list, TAKE_PTR(l));
	return count;
}

/* The three symbol lists: one ELF reader each, the same list building. */
static int module_symbols_get(const struct kmod_module *mod,
			      int (*get)(const struct kmod_elf *elf,
					 struct kmod_modversion **array),
			      bool with_bind, struct kmod_list **list)
{
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	_cleanup_free_ struct kmod_modversion *symbols = NULL;
	int count, err;

	if (mod == NULL || list == NULL)
		return -ENOENT;

	err = module_get_elf(mod, NULL, &elf);
	if (err < 0)
		return err;
	count = get(elf, &symbols);
	if (count < 0)
		return count;
	return symbol_list_build(symbols, count, with_bind, list);
}

KMOD_EXPORT int kmod_module_get_versions(const struct kmod_module *mod,
					 struct kmod_list **list)
{
	return module_symbols_get(mod, elf_get_modversions, false, list);
}

KMOD_EXPORT const char *kmod_module_version_get_symbol(const struct kmod_list *entry)
{
	const struct module_symbol *v = module_entry_data(entry);

	return v != NULL ? v->symbol : NULL;
}

KMOD_EXPORT uint64_t kmod_module_version_get_crc(const struct kmod_list *entry)
{
	const struct module_symbol *v = module_entry_data(entry);

	return v != NULL ? v->crc : 0;
}

KMOD_EXPORT void kmod_module_versions_free_list(struct kmod_list *list)
{
	module_list_free_data(list, free);
}

KMOD_EXPORT int kmod_module_get_symbols(const struct kmod_module *mod,
					struct kmod_list **list)
{
	return module_symbols_get(mod, elf_get_symbols, false, list);
}

/* Versions and symbols share one entry type (struct module_symbol): their getters
 * and list free are the same functions under both names. */
KMOD_EXPORT const char *kmod_module_symbol_get_symbol(const struct kmod_list *entry)
	__attribute__((alias("kmod_module_version_get_symbol")));
KMOD_EXPORT uint64_t kmod_module_symbol_get_crc(const struct kmod_list *entry)
	__attribute__((alias("kmod_module_version_get_crc")));
KMOD_EXPORT void kmod_module_symbols_free_list(struct kmod_list *list)
	__attribute__((alias("kmod_module_versions_free_list")));

KMOD_EXPORT int kmod_module_get_dependency_symbols(const struct kmod_module *mod,
						   struct kmod_list **list)
{
	return module_symbols_get(mod, elf_get_dependency_symbols, true, list);
}

KMOD_EXPORT const char *kmod_module_dependency_symbol_get_symbol(
	const struct kmod_list *entry)
{
	const struct module_dependency_symbol *s = module_entry_data(entry);

	return s != NULL ? s->symbol : NULL;
}

KMOD_EXPORT int kmod_module_dependency_symbol_get_bind(const struct kmod_list *entry)
{
	const struct module_dependency_symbol *s = module_entry_data(entry);

	return s != NULL ? s->bind : 0;
}

KMOD_EXPORT uint64_t kmod_module_dependency_symbol_get_crc(const struct kmod_list *entry)
{
	const struct module_dependency_symbol *s = module_entry_data(entry);

	return s != NULL ? s->crc : 0;
}

KMOD_EXPORT void kmod_module_dependency_symbols_free_list(struct kmod_list *list)
{
	module_list_free_data(list, free);
}
