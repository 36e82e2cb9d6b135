#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bash driver of run-cases.sh: loads bash-completion and our completion file, then for
# each command line sets COMP_LINE/COMP_POINT/COMP_WORDS/COMP_CWORD as readline would
# (words split at blanks and at the COMP_WORDBREAKS characters "=" and ":"), calls the
# function `complete -p` names for the command, and writes the words the command line
# would end with: COMPREPLY, each put back behind the part of the word readline keeps
# (what precedes the last "=" or ":").
#
# Usage: drive-bash.sh BASH_COMPLETION COMPLETION_FILE LINES RESULTS
source "$1" || exit 1
source "$2" || exit 1
lines=$3
results=$4
: >"$results"

# split_line LINE: COMP_WORDS and COMP_CWORD for the cursor at the end of LINE
split_line()
{
	local line=$1 word="" c i
	COMP_WORDS=()
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		case $c in
		' ')
			[ -n "$word" ] && COMP_WORDS+=("$word")
			word=""
			;;
		= | :)
			[ -n "$word" ] && COMP_WORDS+=("$word")
			COMP_WORDS+=("$c")
			word=""
			;;
		*)
			word+=$c
			;;
		esac
	done
	# a line ending in a blank puts the cursor on a new, empty word
	if [ -n "$word" ] || [ "${line: -1}" = ' ' ]; then
		COMP_WORDS+=("$word")
	fi
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
}

while IFS= read -r line; do
	COMP_LINE=$line
	COMP_POINT=${#line}
	split_line "$line"
	COMPREPLY=()
	spec=$(complete -p "${COMP_WORDS[0]}" 2>/dev/null)
	func=${spec#*-F }
	func=${func%% *}
	if [ -n "$func" ] && [ "$func" != "$spec" ]; then
		"$func" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
			"${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
	fi
	# readline's word starts after the last "=" or ":" of the line's last word
	last=${line##* }
	kept=""
	if [[ $last == *[=:]* ]]; then
		kept=${last%"${last##*[=:]}"}
	fi
	for r in "${COMPREPLY[@]}"; do
		printf '%s\n' "$kept$r"
	done | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//' >>"$results"
	echo >>"$results"
done <"$lines"
