#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Drives one real shell through the completion cases of cases.txt: builds the module
# trees (tree.spec, system.spec) with modkit-mktree and our depmod, then runs the
# shell's driver (drive-SHELL.*) with the build's completion file, under the shim so
# that /lib/modules, /proc/modules and modprobe.d are the fixture's and uname -r is
# 6.1.0-sys, with the build's tools first in PATH (the completions ask modinfo for
# parameters). Prints TAP; a shell that is not installed is a SKIP naming its package.
#
# Usage: run-cases.sh SHELL COMPLETION_DIR MKTREE DEPMOD SHIM TOOL_DIR
#   SHELL           bash, zsh or fish
#   COMPLETION_DIR  the build's completion/ (kmod.bash, _kmod, kmod.fish)
#   TOOL_DIR        the build's src/ (modinfo, modprobe, ...)
set -u
shell=$1
compdir=$(realpath "$2")
mktree=$3
depmod=$(realpath -s "$4")
shim=$(realpath "$5")
tooldir=$(realpath "$6")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../tap.sh"

echo "TAP version 13"
case $shell in
bash)
	bash_completion=/usr/share/bash-completion/bash_completion
	[ -r "$bash_completion" ] || skip_all "bash-completion is not installed ($bash_completion)"
	driver=(bash "$here/drive-bash.sh" "$bash_completion" "$compdir/kmod.bash")
	;;
zsh)
	command -v zsh >/dev/null || skip_all "zsh is not installed (package zsh)"
	driver=(zsh -f "$here/drive-zsh.zsh" "$compdir")
	;;
fish)
	command -v fish >/dev/null || skip_all "fish is not installed (package fish)"
	driver=(fish --no-config "$here/drive-fish.fish" "$compdir/kmod.fish")
	;;
*)
	echo "run-cases.sh: unknown shell $shell" >&2
	exit 2
	;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree=$work/tree
sys=$work/sys
mkdir -p "$work/home"

# ---- fixtures ---------------------------------------------------------------------------
for r in tree:tree.spec sys:system.spec; do
	root=$work/${r%%:*}
	# (modules the build cannot decompress made plain: depmod fails on them by design)
	readable_spec "$here/${r#*:}" >"$work/${r%%:*}.spec"
	if ! "$mktree" "$work/${r%%:*}.spec" "$root" 2>"$work/mktree.err"; then
		sed 's/^/# /' "$work/mktree.err"
		not_ok "fixture $root built"
		tap_finish
	fi
	for kver in 6.1.0-sys 6.1.0-alt; do
		"$depmod" -b "$root" "$kver" 2>/dev/null
		if [ ! -s "$root/lib/modules/$kver/modules.dep" ]; then
			not_ok "depmod -b $root $kver"
			tap_finish
		fi
	done
done

# ---- cases: the command lines for the driver, the expectations for us --------------------
: >"$work/lines"
: >"$work/expected"
descs=()
while IFS= read -r c; do
	case $c in '' | '#'*) continue ;; esac
	desc=${c%% :: *}
	rest=${c#* :: }
	line=${rest% ::*}
	want=${rest##*::}
	want=${want# }
	want=${want//@SOUND@/$tree/lib/modules/6.1.0-sys/kernel/sound}
	line=${line//@SOUND@/$tree/lib/modules/6.1.0-sys/kernel/sound}
	line=${line//@TREE@/$tree}
	descs+=("$desc")
	printf '%s\n' "$line" >>"$work/lines"
	printf '%s\n' "$want" >>"$work/expected"
done <"$here/cases.txt"

# ---- the shell ----------------------------------------------------------------------------
# Each result line: the candidates, sorted, separated by spaces.
(
	cd "$work/home" &&
		env HOME="$work/home" PATH="$tooldir:$PATH" LD_PRELOAD="$shim" \
			MODKIT_ROOT="$sys" MODKIT_UNAME_R=6.1.0-sys TERM=dumb \
			"${driver[@]}" "$work/lines" "$work/results"
) >"$work/driver.out" 2>&1
status=$?
if [ "$status" -ne 0 ] || [ ! -f "$work/results" ]; then
	not_ok "$shell driver ran (status $status)"
	head -40 "$work/driver.out" | sed 's/^/# /'
	tap_finish
fi

i=0
while IFS= read -r want; do
	got=$(sed -n "$((i + 1))p" "$work/results")
	if [ "$got" = "$want" ]; then
		ok "$shell: ${descs[i]}"
	else
		not_ok "$shell: ${descs[i]}"
		printf '# line:     %s\n# expected: %s\n# got:      %s\n' \
			"$(sed -n "$((i + 1))p" "$work/lines")" "$want" "$got"
	fi
	i=$((i + 1))
done <"$work/expected"
tap_finish
