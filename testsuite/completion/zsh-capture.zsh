# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the interactive zsh that drive-zsh.zsh runs on a pseudo-terminal.
# $_h_out: the capture file; $1: the directory holding our _kmod.
#
# compadd becomes a function: it asks the builtin which of its words match what is
# on the command line (compadd -O), appends each to $_h_out with the text the shell
# would put in front of it ($IPREFIX, then -i, -P and -p as given), then adds them
# for real. Calls that already collect into an array (-O, -A, -D) pass through.
# Ctrl-T runs the completion, leaves the line untouched, lists nothing, then shows
# the message @@case-N@@ that the driver waits for.
PS1='' PS2='' RPS1=''
fpath=($1 $fpath)
autoload -Uz compinit
compinit -u -d $_h_out.dump

compadd() {
	local -a __args __hits
	local __pre=$IPREFIX __a __c __j
	local -i __i=1
	__args=("$@")
	while ((__i <= $#__args)); do
		__a=$__args[__i]
		[[ $__a == -- || $__a != -?* ]] && break
		for ((__j = 2; __j <= $#__a; __j++)); do
			__c=$__a[__j]
			case $__c in
			[OAD])
				builtin compadd "$@"
				return ;;
			[iPp])
				if ((__j < $#__a)); then
					__pre+=$__a[__j+1,-1]
				else
					__pre+=$__args[__i+1]
					((__i++))
				fi
				break ;;
			[FSsIWdJXxVrRME])
				((__j == $#__a)) && ((__i++))
				break ;;
			esac
		done
		((__i++))
	done
	builtin compadd -O __hits "$@"
	(($#__hits)) && print -rl -- "${(@)__hits/#/$__pre}" >>$_h_out
	builtin compadd "$@"
}

_h_complete() {
	_main_complete
	compstate[insert]=''
	compstate[list]=''
}
zle -C _h_complete complete-word _h_complete
_h_n=1
_h_widget() {
	: >|$_h_out
	zle _h_complete
	zle -M "@@case-$_h_n@@"
	((_h_n++))
}
zle -N _h_widget
bindkey '^T' _h_widget
