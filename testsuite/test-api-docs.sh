#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The public API is documented (TAP): every function exported in lib/libkmod.sym
# has a gtk-doc comment in lib/libkmod.h with
# - a description,
# - every parameter of its declaration documented (and no parameter it lacks),
# - a "Returns:" section when it returns a value (and none when it returns void),
# - "Since: N" naming the version node libkmod.sym exports it under (N for
#   LIBKMOD_N, 1 for the first node; docs/api/libkmod-sym.awk computes it).
# Every public type, enum (each public member) and macro has a comment too.
# The last cases damage copies of the two files and check that each damage is
# reported, so that the checker is known to be able to fail.
#
# Usage: test-api-docs.sh [SOURCE_ROOT]
set -u
src=${1:-${MODKIT_SOURCE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=testsuite/tap.sh
source "$here/tap.sh"
echo "TAP version 13"

header=$src/lib/libkmod.h
symfile=$src/lib/libkmod.sym
symawk=$src/docs/api/libkmod-sym.awk
for f in "$header" "$symfile" "$symawk"; do
	[ -f "$f" ] || bail "$f is missing"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# analyse HEADER SYMFILE: one line per exported function ("F<TAB>name<TAB>
# problems") and per public type or macro ("T<TAB>name<TAB>problems"), problems
# being empty when everything is documented.
analyse() {
	awk -f "$symawk" "$2" >"$tmp/expected" || return 1
	awk -v expected="$tmp/expected" '
	function trim(s) {
		sub(/^[ \t\n]+/, "", s)
		sub(/[ \t\n]+$/, "", s)
		return s
	}
	function add(name, what) {
		problems[name] = problems[name] (problems[name] == "" ? "" : "; ") what
	}
	BEGIN {
		while ((getline line < expected) > 0) {
			split(line, f, " ")
			since_of[f[1]] = f[2]
			order[++nfuncs] = f[1]
		}
	}

	# ---- gtk-doc comment blocks --------------------------------------------------
	/^\/\*\*[ \t]*$/ { inblock = 1; cur = ""; state = "start"; keep(); next }
	inblock && /^[ \t]*\*\/[ \t]*$/ { inblock = 0; keep(); next }
	inblock {
		text = $0
		sub(/^[ \t]*\*[ \t]?/, "", text)
		if (cur == "" && state == "start") {
			if (text ~ /^[A-Za-z_][A-Za-z0-9_]*:[ \t]*$/) {
				cur = text
				sub(/:.*/, "", cur)
				doc[cur] = 1
			} else {
				cur = "-"	# SECTION: block or other prose
			}
			keep()
			next
		}
		if (trim(text) == "") {
			state = "body"
		} else if (text ~ /^@[A-Za-z_][A-Za-z0-9_]*:/) {
			p = text
			sub(/:.*/, "", p)
			sub(/^@/, "", p)
			rest = text
			sub(/^@[A-Za-z_][A-Za-z0-9_]*:/, "", rest)
			documented[cur, p] = trim(rest) != ""
			docparams[cur] = docparams[cur] " " p
			state = "param"
		} else if (text ~ /^Returns:/) {
			rest = text
			sub(/^Returns:/, "", rest)
			returns[cur] = trim(rest) != "" ? "text" : "empty"
			state = "returns"
		} else if (text ~ /^Since:/) {
			rest = text
			sub(/^Since:/, "", rest)
			since[cur] = trim(rest)
			state = "since"
		} else if (text ~ /^Deprecated:/) {
			state = "deprecated"
		} else if (state == "body" || state == "start") {
			described[cur] = 1
		}
		keep()
		next
	}
	{ keep() }
	function keep() { all = all $0 "\n" }

	# ---- declarations ------------------------------------------------------------
	# Splits a parameter list on its top-level commas into params[1..n].
	function split_params(s, params,    n, depth, i, c, start) {
		n = 0; depth = 0; start = 1
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "(") depth++
			else if (c == ")") depth--
			else if (c == "," && depth == 0) {
				params[++n] = substr(s, start, i - start)
				start = i + 1
			}
		}
		params[++n] = substr(s, start)
		return n
	}
	function param_name(p) {
		p = trim(p)
		if (p == "void" || p == "...")
			return ""
		if (match(p, /\(\*[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*\)/)) {
			p = substr(p, RSTART + 2, RLENGTH - 3)
			return trim(p)
		}
		sub(/(\[[^]]*\])+$/, "", p)
		if (match(p, /[A-Za-z_][A-Za-z0-9_]*$/))
			return substr(p, RSTART, RLENGTH)
		return ""
	}
	# Records the function a statement declares, if it is one.
	function statement(s,    i, c, depth, name, start, end, prefix, n, params, k, pn) {
		depth = 0
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "(" && depth == 0) {
				prefix = substr(s, 1, i - 1)
				if (!match(prefix, /[A-Za-z_][A-Za-z0-9_]*[ \t]*$/))
					return
				name = trim(substr(prefix, RSTART))
				prefix = substr(prefix, 1, RSTART - 1)
				start = i + 1
				for (; i <= length(s); i++) {
					c = substr(s, i, 1)
					if (c == "(") depth++
					else if (c == ")" && --depth == 0) break
				}
				declared[name] = 1
				sub(/^.*[{}]/, "", prefix)
				returns_void[name] = trim(prefix) == "void"
				n = split_params(substr(s, start, i - start), params)
				for (k = 1; k <= n; k++) {
					pn = param_name(params[k])
					if (pn != "")
						declparams[name] = declparams[name] " " pn
				}
				return
			}
		}
	}
	function enum_body(name, body,    n, members, k, m, private) {
		n = split(body, members, ",")
		private = 0
		for (k = 1; k <= n; k++) {
			m = trim(members[k])
			if (m ~ /^__PRIVATE__/) {
				private = 1
				sub(/^__PRIVATE__[ \t\n]*/, "", m)
			}
			if (!match(m, /^[A-Za-z_][A-Za-z0-9_]*/))
				continue
			m = substr(m, RSTART, RLENGTH)
			if (!private && !documented[name, m])
				add(name, "member " m " undocumented")
		}
	}
	END {
		# comments out (a private marker stays as a token), then preprocessor lines
		text = ""
		while ((i = index(all, "/*")) > 0) {
			j = index(substr(all, i + 2), "*/")
			if (j == 0)
				break
			comment = substr(all, i + 2, j - 1)
			text = text substr(all, 1, i - 1) \
			       (trim(comment) == "< private >" ? " __PRIVATE__ " : " ")
			all = substr(all, i + j + 3)
		}
		text = text all
		n = split(text, lines, "\n")
		code = ""
		cont = 0
		for (k = 1; k <= n; k++) {
			l = lines[k]
			if (cont || l ~ /^[ \t]*#/) {
				if (l ~ /^[ \t]*#[ \t]*define[ \t]+kmod_[A-Za-z0-9_]*\(/) {
					m = l
					sub(/^[ \t]*#[ \t]*define[ \t]+/, "", m)
					mname = m
					sub(/\(.*/, "", mname)
					macros[mname] = 1
					sub(/^[^(]*\(/, "", m)
					sub(/\).*/, "", m)
					np = split(m, mp, ",")
					for (q = 1; q <= np; q++)
						declparams[mname] = declparams[mname] " " trim(mp[q])
				}
				cont = l ~ /\\$/
				continue
			}
			code = code " " l
		}
		ns = split(code, stmts, ";")
		for (k = 1; k <= ns; k++) {
			s = stmts[k]
			if (match(s, /enum[ \t]+kmod_[A-Za-z0-9_]*[ \t]*\{/)) {
				e = substr(s, RSTART + 4, RLENGTH - 5)
				e = trim(e)
				enums[e] = 1
				body = substr(s, RSTART + RLENGTH)
				sub(/\}.*/, "", body)
				enumbody[e] = body
			} else if (match(s, /^[ \t]*(extern "C" \{)?[ \t]*struct[ \t]+kmod_[A-Za-z0-9_]*[ \t]*$/)) {
				sub(/^.*struct[ \t]+/, "", s)
				structs[trim(s)] = 1
			} else {
				statement(s)
			}
		}

		for (k = 1; k <= nfuncs; k++) {
			name = order[k]
			check_entry(name, 1)
			printf "F\t%s\t%s\n", name, problems[name]
		}
		for (e in enums) {
			if (!doc[e]) add(e, "no doc comment")
			else enum_body(e, enumbody[e])
			printf "T\tenum %s\t%s\n", e, problems[e]
		}
		for (t in structs) {
			if (!doc[t]) add(t, "no doc comment")
			else if (!described[t]) add(t, "no description")
			printf "T\tstruct %s\t%s\n", t, problems[t]
		}
		for (m in macros) {
			check_entry(m, 0)
			printf "T\tmacro %s\t%s\n", m, problems[m]
		}
	}
	function check_entry(name, is_function,    n, p, k, dp) {
		if (!doc[name]) {
			add(name, "no doc comment")
			return
		}
		if (is_function && !declared[name])
			add(name, "no declaration in the header")
		if (!described[name])
			add(name, "no description")
		n = split(declparams[name], p, " ")
		for (k = 1; k <= n; k++) {
			if (!((name, p[k]) in documented))
				add(name, "parameter " p[k] " undocumented")
			else if (!documented[name, p[k]])
				add(name, "parameter " p[k] " has an empty description")
		}
		n = split(docparams[name], dp, " ")
		for (k = 1; k <= n; k++) {
			if (index(declparams[name] " ", " " dp[k] " ") == 0)
				add(name, "documents @" dp[k] ", which it does not have")
		}
		if (!is_function)
			return
		if (returns_void[name] && (name in returns))
			add(name, "void function with a Returns: section")
		else if (!returns_void[name] && !(name in returns))
			add(name, "no Returns: section")
		else if (returns[name] == "empty")
			add(name, "empty Returns: section")
		if (!(name in since))
			add(name, "no Since: (expected " since_of[name] ")")
		else if (since[name] != since_of[name])
			add(name, "Since: " since[name] ", libkmod.sym says " since_of[name])
	}
	' "$1"
}

# ---- the real header --------------------------------------------------------------
analyse "$header" "$symfile" >"$tmp/result" || bail "the analysis failed"
nfuncs=$(grep -c '^F' "$tmp/result")
nsym=$(awk -f "$symawk" "$symfile" | wc -l)
if [ "$nfuncs" -gt 0 ] && [ "$nfuncs" -eq "$nsym" ]; then
	ok "every function of libkmod.sym is checked ($nfuncs)"
else
	not_ok "checked $nfuncs functions, libkmod.sym exports $nsym"
fi
while IFS=$'\t' read -r kind name problems; do
	[ "$kind" = F ] && name="function $name"
	if [ -z "$problems" ]; then
		ok "$name is documented"
	else
		not_ok "$name: $problems"
	fi
done < <(sort "$tmp/result")

# ---- the checker notices damage ---------------------------------------------------
# damage NAME REGEX: a copy of the header without the lines matching REGEX inside
# the comment block of NAME (REGEX "ALL" drops the whole block).
damage() {
	awk -v name="$1" -v re="$2" '
	/^\/\*\*[ \t]*$/ { pending = $0; next }
	pending != "" {
		inside = ($0 == " * " name ":")
		if (!(inside && re == "ALL"))
			print pending
		pending = ""
	}
	inside && /^[ \t]*\*\/[ \t]*$/ { if (re != "ALL") print; inside = 0; next }
	inside && (re == "ALL" || $0 ~ re) { next }
	{ print }
	' "$header" >"$tmp/damaged.h"
	cmp -s "$header" "$tmp/damaged.h" && echo "# damage $1 '$2' changed nothing"
}
# expect_problem DESCRIPTION NAME PATTERN [SYMFILE]: analysing the damaged header
# reports a problem of NAME matching PATTERN.
expect_problem() {
	local got
	analyse "$tmp/damaged.h" "${4:-$symfile}" >"$tmp/damaged.result"
	got=$(awk -F '\t' -v n="$2" '$2 == n { print $3 }' "$tmp/damaged.result")
	if [ -n "$got" ] && [[ "$got" == *"$3"* ]]; then
		ok "noticed: $1"
	else
		not_ok "not noticed: $1 (got: '$got')"
	fi
}

damage kmod_new ALL
expect_problem "a function without its doc comment" kmod_new "no doc comment"
damage kmod_ref '^ \* (Takes one more|this section)'
expect_problem "a function without a description" kmod_ref "no description"
damage kmod_new '^ \* @config_paths:'
expect_problem "a parameter left undocumented" kmod_new "parameter config_paths undocumented"
damage kmod_module_probe_insert_module '^ \* @print_action:'
expect_problem "a function-pointer parameter left undocumented" \
	kmod_module_probe_insert_module "parameter print_action undocumented"
damage kmod_get_dirname '^ \* Returns:'
expect_problem "a value-returning function without Returns:" kmod_get_dirname \
	"no Returns: section"
damage kmod_get_dirname '^ \* Since:'
expect_problem "a function without Since:" kmod_get_dirname "no Since:"
sed 's/^ \* Since: 22$/ * Since: 1/' "$header" >"$tmp/damaged.h"
expect_problem "a Since: that is not the version node's" kmod_get_dirname \
	"libkmod.sym says 22"
cp "$header" "$tmp/damaged.h"
{
	cat "$symfile"
	printf '\nLIBKMOD_99 {\nglobal:\n\tkmod_module_get_size;\n} LIBKMOD_33;\n'
} >"$tmp/moved.sym"
expect_problem "Since: follows a function moved to another node of libkmod.sym" \
	kmod_module_get_size "libkmod.sym says 99" "$tmp/moved.sym"
damage kmod_probe '^ \* @KMOD_PROBE_DRY_RUN:'
expect_problem "an enum member left undocumented" "enum kmod_probe" \
	"member KMOD_PROBE_DRY_RUN undocumented"

tap_finish
