#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The repository stands alone (TAP):
# - no file refers to a directory outside it (the source material the project was
#   written from) or to an absolute path of one particular machine;
# - every "formats.md N.N" / "tools.md N.N" that code, tests and docs cite names a
#   section that exists in docs/;
# - the reference data the debian suite compares with is in the tree.
#
# Usage: test-standalone.sh [SOURCE_ROOT]
set -u
src=${1:-${MODKIT_SOURCE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=testsuite/tap.sh
source "$here/tap.sh"
cd "$src" || exit 1
echo "TAP version 13"

# The files of the project: the tracked ones when this is a clone (build directories and
# logs in the work tree name its own location and are not part of it), else every
# file but build directories (a release tarball).
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t files < <(git -C "$src" ls-files --cached)
else
	mapfile -t files < <(find . -type f ! -path './build*' ! -path './.git/*' | sed 's|^\./||')
fi
text=()
for f in "${files[@]}"; do
	[ -f "$f" ] || continue
	case $f in *.zst | *.gz | *.xz | *.ko | *.png) continue ;; esac
	grep -Iq . "$f" 2>/dev/null && text+=("$f")
done
check "the tree has text files to scan (${#text[@]})" test "${#text[@]}" -gt 50

# Patterns are assembled so that this file does not match itself.
sh=shared
outside=("\.\./$sh" "$sh/docs" "$sh/reference")
# (an absolute path starts a word: "$tmp/root/x" is relative to a variable)
start="(^|[[:space:]\"'=:(,])"
machine=("$start/wo""rk/" "$start/ho""me/[a-z]" "$start/ro""ot/" "$start/tmp/bu""ild"
	"$start/Us""ers/")
scan() {
	local what=$1
	shift
	local hits
	hits=$(grep -nE "$(IFS='|'; echo "$*")" "${text[@]}" 2>/dev/null | grep -v '^testsuite/test-standalone.sh:')
	if [ -z "$hits" ]; then
		ok "no reference to $what"
	else
		not_ok "references to $what"
		printf '%s\n' "$hits" | head -20 | sed 's/^/# /'
	fi
}
scan "material outside the repository" "${outside[@]}"
scan "absolute paths of a machine" "${machine[@]}"

# Every cited section exists.
for doc in formats tools; do
	if [ ! -f "docs/$doc.md" ]; then
		not_ok "docs/$doc.md exists"
		continue
	fi
	ok "docs/$doc.md exists"
	sections=$(grep -oE '^#+ [0-9]+(\.[0-9]+)*' "docs/$doc.md" | awk '{print $2}' | sed 's/\.$//')
	missing=
	while read -r cited; do
		cited=${cited%.}
		grep -qx -- "$cited" <<<"$sections" || missing+=" $cited"
	done < <(grep -ohE "$doc\.md[ §]*[0-9]+(\.[0-9]+)*" "${text[@]}" | grep -oE '[0-9]+(\.[0-9]+)*$' | sort -u)
	if [ -z "$missing" ]; then
		ok "every cited section of docs/$doc.md exists"
	else
		not_ok "sections cited but not in docs/$doc.md:$missing"
	fi
done

for d in depmod-raw depmod-xz tools; do
	check "reference data testsuite/reference/6.1.0-50-amd64/$d is in the tree" \
		test -n "$(ls testsuite/reference/6.1.0-50-amd64/$d/*.zst 2>/dev/null)"
done
check "testsuite/reference/README.md says what produced the data" \
	grep -q "kmod 34.2" testsuite/reference/README.md
tap_finish
