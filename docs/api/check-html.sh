#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Checks the HTML reference gtk-doc generated: every function exported in
# libkmod.sym has its own entry (anchor and heading) in a page, and is listed in
# the devhelp index with the "Since" version of its symbol version node.
#
# usage: check-html.sh HTML_DIR LIBKMOD_SYM
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../testsuite/tap.sh"
echo "TAP version 13"

html=$1
sym=$2
[ -d "$html" ] && [ -f "$sym" ] || {
	echo "usage: $0 HTML_DIR LIBKMOD_SYM" >&2
	exit 2
}

devhelp="$html/libkmod.devhelp2"
check "the devhelp index exists" test -s "$devhelp"

mapfile -t funcs < <(awk -f "$here/libkmod-sym.awk" "$sym")
if [ "${#funcs[@]}" -gt 0 ]; then
	ok "libkmod.sym lists ${#funcs[@]} functions"
else
	not_ok "libkmod.sym lists no function"
fi

for entry in "${funcs[@]}"; do
	name=${entry% *}
	since=${entry#* }
	id=${name//_/-}
	# gtk-doc puts a no-break space between the name and "()"
	heading="<a name=\"$id\"></a><h3>$name[^<(]*()</h3>"
	keyword="<keyword type=\"function\" name=\"$name[^\"(]*()\" link=\"[^\"]*#$id\"[^>]* since=\"$since\"/>"
	if ! grep -q -- "$heading" "$html"/*.html; then
		not_ok "$name: no entry in the HTML pages"
	elif ! grep -q -- "$keyword" "$devhelp"; then
		not_ok "$name: not in the devhelp index with since=\"$since\""
	else
		ok "$name: documented in the HTML reference (since $since)"
	fi
done

tap_finish
