#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The layer map of docs/layers.md holds: every #include "..." of lib/*.[ch] and
# src/*.[ch] names a header of the including file's layer or of one below it, and
# the library's logging macros (lib/log-lib.h) never reach a file that uses the
# tools' own (src/log.h).
source "${MODKIT_SOURCE_ROOT:?}/testsuite/tap.sh"
cd "$MODKIT_SOURCE_ROOT" || exit 1
echo "TAP version 13"

map=docs/layers.md
declare -a layer_name layer_headers layer_sources layer_may
n_layers=0
while IFS='|' read -r _ num name headers sources may _; do
	num=${num// /}
	[[ $num =~ ^[0-9]+$ ]] || continue
	n_layers=$((n_layers + 1))
	if [ "$num" -ne "$n_layers" ]; then
		not_ok "$map: row $num out of order (expected $n_layers)"
	fi
	# word lists with single spaces; the patterns stay patterns
	layer_name[num]=$(set -f && echo $name)
	layer_headers[num]=$(set -f && echo $headers)
	layer_sources[num]=$(set -f && echo $sources)
	layer_may[num]=$(set -f && echo $may)
done <"$map"
if [ "$n_layers" -eq 0 ]; then
	not_ok "$map has a layer table"
	tap_finish
fi

# The "may include" column says in words what the rule computes from the order.
expect=""
bad=0
for ((i = 1; i <= n_layers; i++)); do
	expect="${expect:+$expect }${layer_name[i]}"
	if [ "${layer_may[i]}" != "$expect" ]; then
		echo "# layer ${layer_name[i]}: 'may include' says '${layer_may[i]}', the order gives '$expect'"
		bad=1
	fi
done
check "$map: each layer may include itself and the layers below it" test $bad -eq 0

# layer_of FILE: prints the layer number of a file (0 for the public libkmod.h),
# nothing when the map does not place it. Headers are matched before sources.
layer_of() {
	local f=$1 i pat
	local -
	set -f
	[ "$f" = lib/libkmod.h ] && { echo 0; return; }
	for ((i = 1; i <= n_layers; i++)); do
		for pat in ${layer_headers[i]} ${layer_sources[i]}; do
			# shellcheck disable=SC2053
			if [[ $f == $pat ]]; then
				echo "$i"
				return
			fi
		done
	done
}

# resolve FROM NAME: the file an #include "NAME" in FROM opens, as the compiler
# finds it: next to FROM first, then from the top of the tree, then in lib/.
resolve() {
	local dir=${1%/*} name=$2
	if [ -f "$dir/$name" ]; then
		echo "$dir/$name"
	elif [ -f "$name" ]; then
		echo "$name"
	elif [ -f "lib/$name" ]; then
		echo "lib/$name"
	else
		echo "?$name"
	fi
}

# includes FILE: the files FILE includes with quotes, resolved.
includes() {
	local inc
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$1" |
		while read -r inc; do resolve "$1" "$inc"; done
}

# reaches FILE TARGET: whether FILE includes TARGET, directly or through headers.
reaches() {
	local -A seen=()
	local todo=("$1") cur h
	while [ ${#todo[@]} -gt 0 ]; do
		cur=${todo[0]}
		todo=("${todo[@]:1}")
		for h in $(includes "$cur"); do
			[ "$h" = "$2" ] && return 0
			if [ -z "${seen[$h]-}" ] && [ -f "$h" ]; then
				seen[$h]=1
				todo+=("$h")
			fi
		done
	done
	return 1
}

# violations: one line per breach of the map in the tree of the current directory.
violations() {
	local f h lf lh
	for f in $(ls lib/*.c lib/*.h src/*.c src/*.h 2>/dev/null); do
		lf=$(layer_of "$f")
		if [ -z "$lf" ]; then
			echo "not in the layer map: $f"
			continue
		fi
		for h in $(includes "$f"); do
			lh=$(layer_of "$h")
			if [ -z "$lh" ]; then
				echo "includes a file the map does not place: $f -> $h"
			elif [ "$lh" -gt "$lf" ]; then
				echo "includes a higher layer: $f (${layer_name[lf]}) -> $h (${layer_name[lh]})"
			fi
			if [ "$h" = lib/log-lib.h ] && [[ $f != lib/*.c && $f != lib/ctx.h ]]; then
				echo "includes the library's logging macros: $f"
			fi
		done
		if [ "$f" != src/log.h ] && reaches "$f" src/log.h && reaches "$f" lib/log-lib.h; then
			echo "reaches both src/log.h and lib/log-lib.h: $f"
		fi
	done
}

out=$(violations)
if [ -z "$out" ]; then
	ok "lib/ and src/ keep the layer map of $map"
else
	not_ok "lib/ and src/ keep the layer map of $map"
	echo "$out" | sed 's/^/# /'
fi

# The checker finds what it must: a tree with one breach of each kind.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lib" "$tmp/src"
touch "$tmp/lib/module.h" "$tmp/lib/log-lib.h" "$tmp/lib/index.h" "$tmp/src/log.h"
printf '#include "index.h"\n#include "module.h"\n' >"$tmp/lib/util.c"
printf '#include "log-lib.h"\n' >"$tmp/lib/ctx.h"
printf '#include "lib/log-lib.h"\n' >"$tmp/src/a.h"
printf '#include "log.h"\n#include "lib/ctx.h"\n' >"$tmp/src/b.c"
printf '#include "log.h"\n' >"$tmp/lib/stray.c"
(cd "$tmp" && violations) >"$tmp/got"
cat >"$tmp/want" <<'WANT'
not in the layer map: lib/stray.c
includes a higher layer: lib/util.c (helpers) -> lib/index.h (index)
includes a higher layer: lib/util.c (helpers) -> lib/module.h (module)
includes the library's logging macros: src/a.h
reaches both src/log.h and lib/log-lib.h: src/b.c
WANT
check_eq "a planted tree's breaches are all reported" "$tmp/want" "$tmp/got"
tap_finish
