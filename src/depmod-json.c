// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod -n --json (depmod-internal.h): the contents of modules.dep, modules.alias,
 * modules.softdep, modules.weakdep, modules.symbols and modules.devname, in their
 * order, as members of one document.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "depmod-internal.h"
#include "json.h"

/* Value of "key=value" when s has exactly that key. */
static const char *entry_value(const char *s, const char *key)
{
	size_t keylen = strlen(key);

	if (strncmp(s, key, keylen) == 0 && s[keylen] == '=')
		return s + keylen + 1;
	return NULL;
}

static int json_dependencies(struct json_writer *w, struct depmod *d)
{
	json_key(w, "modules");
	json_array_begin(w);
	for (size_t i = 0; i < d->modules.count; i++) {
		struct depmod_module *mod = d->modules.array[i];
		struct depmod_module **list;
		size_t count;
		int err = depmod_module_closure(d, mod, &list, &count);

		if (err < 0)
			return err;
		json_object_begin(w);
		json_member_string(w, "name", mod->modname);
		json_member_string(w, "path", depmod_module_outpath(mod));
		json_key(w, "dependencies");
		json_array_begin(w);
		for (size_t j = 0; j < count; j++)
			json_string(w, depmod_module_outpath(list[j]));
		json_array_end(w);
		json_object_end(w);
		free(list);
	}
	json_array_end(w);
	return 0;
}

/*
 * The words of a softdep or weakdep value, split at blanks. With markers, "pre:" and
 * "post:" choose the list (pre = 0, post = 1) and words before any marker are
 * dropped, as modprobe reads them; without, every word goes to list 0.
 */
static void json_dep_words(struct json_writer *w, const char *value, bool markers,
			   int list)
{
	int mode = markers ? -1 : 0;
	const char *p = value;

	json_array_begin(w);
	while (*p != '\0') {
		size_t len;

		p += strspn(p, " \t\n\v\f\r");
		len = strcspn(p, " \t\n\v\f\r");
		if (len == 0)
			break;
		if (markers && len == 4 && memcmp(p, "pre:", 4) == 0)
			mode = 0;
		else if (markers && len == 5 && memcmp(p, "post:", 5) == 0)
			mode = 1;
		else if (mode == list)
			json_string_len(w, p, len);
		p += len;
	}
	json_array_end(w);
}

static void alias_members(struct json_writer *w, const struct depmod_module *mod,
			  const char *value)
{
	json_member_string(w, "alias", value);
	json_member_string(w, "module", mod->modname);
}

static void softdep_members(struct json_writer *w, const struct depmod_module *mod,
			    const char *value)
{
	json_member_string(w, "module", mod->modname);
	json_key(w, "pre");
	json_dep_words(w, value, true, 0);
	json_key(w, "post");
	json_dep_words(w, value, true, 1);
}

static void weakdep_members(struct json_writer *w, const struct depmod_module *mod,
			    const char *value)
{
	json_member_string(w, "module", mod->modname);
	json_key(w, "modules");
	json_dep_words(w, value, false, 0);
}

/* Array name: one object for each key= entry of each module's .modinfo, in module
 * order, with the members members() writes. */
static void json_modinfo_entries(struct json_writer *w, const struct depmod *d,
				 const char *name, const char *key,
				 void (*members)(struct json_writer *w,
						 const struct depmod_module *mod,
						 const char *value))
{
	json_key(w, name);
	json_array_begin(w);
	for (size_t i = 0; i < d->modules.count; i++) {
		const struct depmod_module *mod = d->modules.array[i];

		for (int j = 0; j < mod->n_modinfo; j++) {
			const char *v = entry_value(mod->modinfo[j], key);

			if (v == NULL)
				continue;
			json_object_begin(w);
			members(w, mod, v);
			json_object_end(w);
		}
	}
	json_array_end(w);
}

static int json_symbols(struct json_writer *w, const struct depmod *d)
{
	struct depmod_symbol **syms;
	size_t n;
	int err = depmod_symbols_sorted(d, &syms, &n);

	if (err < 0)
		return err;
	json_key(w, "symbols");
	json_array_begin(w);
	for (size_t i = 0; i < n; i++) {
		json_object_begin(w);
		json_member_string(w, "symbol", syms[i]->name);
		json_member_string(w, "module", syms[i]->owner->modname);
		json_object_end(w);
	}
	json_array_end(w);
	free(syms);
	return 0;
}

/* The modules.devname entries, chosen as the text file chooses them. */
static void json_devices(struct json_writer *w, const struct depmod *d)
{
	json_key(w, "devices");
	json_array_begin(w);
	for (size_t i = 0; i < d->modules.count; i++) {
		const struct depmod_module *mod = d->modules.array[i];
		struct depmod_devname dev;

		if (!depmod_module_devname(mod, &dev))
			continue;
		json_object_begin(w);
		json_member_string(w, "module", mod->modname);
		json_member_string(w, "devname", dev.devname);
		json_member_string(w, "type", dev.type == 'c' ? "character" : "block");
		json_member_int(w, "major", dev.major);
		json_member_int(w, "minor", dev.minor);
		json_object_end(w);
	}
	json_array_end(w);
}

int depmod_write_json(struct depmod *d)
{
	struct json_writer w;
	int err;

	json_document_begin(&w, stdout, "depmod");
	json_member_string(&w, "kernel", d->kver);
	err = json_dependencies(&w, d);
	if (err >= 0) {
		json_modinfo_entries(&w, d, "aliases", "alias", alias_members);
		json_modinfo_entries(&w, d, "softdeps", "softdep", softdep_members);
		json_modinfo_entries(&w, d, "weakdeps", "weakdep", weakdep_members);
		err = json_symbols(&w, d);
	}
	if (err >= 0)
		json_devices(&w, d);
	if (err < 0) {
		ERR("could not write the JSON output: %s\n", strerror(-err));
		(void)json_finish(&w);
		return err;
	}
	return json_finish(&w);
}
