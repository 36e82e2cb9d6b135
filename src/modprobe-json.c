// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modprobe --json: the configuration and index dump of -c, and option strings as
 * word arrays (modprobe-json.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index-text.h"
#include "json.h"
#include "lib/config.h"
#include "lib/ctx.h"
#include "lib/macro.h"
#include "libkmod.h"
#include "modprobe-json.h"

void modprobe_json_options(struct json_writer *w, const char *options)
{
	const char *p = options;

	json_array_begin(w);
	while (p != NULL && *p != '\0') {
		const char *start;
		bool quoted = false;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		start = p;
		for (; *p != '\0'; p++) {
			if (*p == '"')
				quoted = !quoted;
			else if (!quoted && (*p == ' ' || *p == '\t' || *p == '\n'))
				break;
		}
		json_string_len(w, start, (size_t)(p - start));
	}
	json_array_end(w);
}

void modprobe_json_operand_begin(struct json_writer *w, const char *arg, const char *key)
{
	json_object_begin(w);
	json_member_string(w, "argument", arg);
	json_key(w, key);
	json_array_begin(w);
}

void modprobe_json_operand_end(struct json_writer *w)
{
	json_array_end(w);
	json_object_end(w);
}

static void json_names(struct json_writer *w, const char *const *names,
		       unsigned int count)
{
	json_array_begin(w);
	for (unsigned int i = 0; i < count; i++)
		json_string(w, names[i]);
	json_array_end(w);
}

/* Sections whose entries are a name and one value. */
static void config_pairs(struct json_writer *w, struct kmod_config_iter *iter,
			 const char *key_name, const char *value_name, bool words)
{
	json_array_begin(w);
	while (iter != NULL && kmod_config_iter_next(iter)) {
		json_object_begin(w);
		json_member_string(w, key_name, kmod_config_iter_get_key(iter));
		json_key(w, value_name);
		if (words)
			modprobe_json_options(w, kmod_config_iter_get_value(iter));
		else
			json_string(w, kmod_config_iter_get_value(iter));
		json_object_end(w);
	}
	json_array_end(w);
	kmod_config_iter_free_iter(iter);
}

/* The name lists of a softdep or weakdep line, each a member of its object. */
struct dep_list {
	const char *key;
	const char *const *(*get)(const struct kmod_list *l, unsigned int *count);
};

static const struct dep_list softdep_lists[] = {
	{ "pre", config_softdep_get_pre },
	{ "post", config_softdep_get_post },
};
static const struct dep_list weakdep_lists[] = {
	{ "modules", config_weakdep_get_weak },
};

/* softdep or weakdep lines: [{"module": NAME, KEY: [names], ...}, ...] */
static void config_deps(struct json_writer *w, const struct kmod_list *list,
			const char *(*get_name)(const struct kmod_list *l),
			const struct dep_list *lists, size_t n)
{
	const struct kmod_list *l;

	json_array_begin(w);
	kmod_list_foreach (l, list) {
		json_object_begin(w);
		json_member_string(w, "module", get_name(l));
		for (size_t i = 0; i < n; i++) {
			unsigned int count;
			const char *const *names = lists[i].get(l, &count);

			json_key(w, lists[i].key);
			json_names(w, names, count);
		}
		json_object_end(w);
	}
	json_array_end(w);
}

static void config_section(struct json_writer *w, const struct kmod_ctx *ctx)
{
	const struct kmod_config *config = ctx_get_config(ctx);
	struct kmod_config_iter *iter;

	json_object_begin(w);

	json_key(w, "blacklist");
	json_array_begin(w);
	iter = kmod_config_get_blacklists(ctx);
	while (iter != NULL && kmod_config_iter_next(iter))
		json_string(w, kmod_config_iter_get_key(iter));
	kmod_config_iter_free_iter(iter);
	json_array_end(w);

	json_key(w, "install");
	config_pairs(w, kmod_config_get_install_commands(ctx), "module", "command",
		     false);
	json_key(w, "remove");
	config_pairs(w, kmod_config_get_remove_commands(ctx), "module", "command", false);
	json_key(w, "alias");
	config_pairs(w, kmod_config_get_aliases(ctx), "alias", "module", false);
	json_key(w, "options");
	config_pairs(w, kmod_config_get_options(ctx), "module", "options", true);

	/* the iterators join softdep lists into one string: read the lists themselves */
	json_key(w, "softdep");
	config_deps(w, config != NULL ? config->softdeps : NULL, config_softdep_get_name,
		    softdep_lists, ARRAY_SIZE(softdep_lists));
	json_key(w, "weakdep");
	config_deps(w, config != NULL ? config->weakdeps : NULL, config_weakdep_get_name,
		    weakdep_lists, ARRAY_SIZE(weakdep_lists));

	json_object_end(w);
}

/*
 * One index as an array of {key_name, "module"} objects, in the order of its text
 * dump ("<key> <module>" lines, sorted by key). strip is a prefix removed from the
 * keys ("symbol:"). A missing index is an empty array, as the text dump prints
 * nothing for it.
 */
static void index_section(struct json_writer *w, struct kmod_ctx *ctx,
			  enum index_type type, const char *key_name, const char *strip)
{
	_cleanup_free_ char *text = tool_index_text(ctx, type);
	size_t striplen = strip != NULL ? strlen(strip) : 0;

	json_array_begin(w);
	for (char *key = text, *nl; key != NULL && *key != '\0'; key = nl + 1) {
		char *value;

		nl = strchr(key, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		/* module names have no blanks; keys might */
		value = strrchr(key, ' ');
		if (value == NULL)
			continue;
		*value++ = '\0';
		if (striplen > 0 && strncmp(key, strip, striplen) == 0)
			key += striplen;
		json_object_begin(w);
		json_member_string(w, key_name, key);
		json_member_string(w, "module", value);
		json_object_end(w);
	}
	json_array_end(w);
}

void modprobe_json_config(struct json_writer *w, struct kmod_ctx *ctx)
{
	json_key(w, "config");
	config_section(w, ctx);
	json_key(w, "indexes");
	json_object_begin(w);
	json_key(w, "alias");
	index_section(w, ctx, INDEX_MODULES_ALIAS, "alias", NULL);
	json_key(w, "symbols");
	index_section(w, ctx, INDEX_MODULES_SYMBOL, "symbol", "symbol:");
	json_object_end(w);
}
