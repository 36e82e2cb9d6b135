# SPDX-License-Identifier: LGPL-2.1-or-later
# fish driver of run-cases.sh: puts a directory holding our kmod.fish under every
# tool name (<tool>.fish, as installed) first in fish_complete_path, so that fish
# loads it instead of its own modprobe/rmmod/modinfo completions, then asks
# `complete -C` for each command line and writes the candidates (descriptions cut).
#
# Usage: fish --no-config drive-fish.fish KMOD_FISH LINES RESULTS
set -l kmod_fish $argv[1]
set -l results $argv[3]
set -l dir (dirname $results)/fish-completions
mkdir -p $dir; or exit 1
for t in kmod modprobe rmmod insmod lsmod modinfo depmod
    ln -sf $kmod_fish $dir/$t.fish; or exit 1
end
set -p fish_complete_path $dir
printf '' >$results
# read the lines first: the completions run commands that might read stdin
for line in (cat $argv[2])
    set -l got (complete -C"$line" </dev/null | string replace -r '\t.*' '' | env LC_ALL=C sort -u)
    echo (string join ' ' -- $got) >>$results
end
