# SPDX-License-Identifier: LGPL-2.1-or-later
# zsh driver of run-cases.sh: starts an interactive zsh on a pseudo-terminal (zpty),
# sets it up with zsh-capture.zsh (compinit with our _kmod first in fpath, compadd
# recording what it offers), types each command line followed by Ctrl-T, reads the
# terminal until the case's end message and writes the recorded words. Nothing
# waits on the clock.
#
# Usage: zsh -f drive-zsh.zsh COMPLETION_DIR LINES RESULTS
zmodload zsh/zpty || exit 1
compdir=$1
lines=$2
results=$3
out=$results.capture
: >|$results

zpty -b zc 'zsh -f -i' || exit 1
zpty -w zc "_h_out=${(q)out}; source ${(q)0:A:h}/zsh-capture.zsh ${(q)compdir}; print @@ready@@"
zpty -r zc junk '*@@ready@@*' || exit 1

n=1
while IFS= read -r line; do
	zpty -w -n zc "$line"$'\x14' || exit 1
	zpty -r zc junk "*@@case-$n@@*" || exit 1
	# empty the line for the next case (^U: kill-whole-line in the emacs keymap)
	zpty -w -n zc $'\x15'
	print -r -- ${(j: :)${(ou)${(f)"$(<$out)"}}} >>$results
	((n++))
done <$lines
zpty -d zc
