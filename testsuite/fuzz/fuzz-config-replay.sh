#!/bin/sh
# Replays generated hostile inputs through the config fuzz entry (TAP from it).
# Usage: fuzz-config-replay.sh FUZZ_CONFIG_BINARY
set -e
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

head -c 200000 /dev/urandom >"$dir/random.bin"
awk 'BEGIN { printf "options big "; for (i = 0; i < 300000; i++) printf "x"; printf "\n" }' >"$dir/huge-line.conf"
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "\\\n" }' >"$dir/backslashes.conf"
printf 'alias a[ b\nalias ]] x\nblacklist [[[-]\noptions m[-] x\nsoftdep s[ pre: a\n' >"$dir/brackets.conf"
printf 'softdep m pre: post: pre: post:\nsoftdep n\t\t\v\f\r pre:\nweakdep w \\\n' >"$dir/softdep.conf"
printf '"""" "a.b=" "c".d=1 e."f"=2 g.h="""" x.y=z"w m.n=1 "sp "p.q' >"$dir/cmdline.txt"
printf 'modprobe.blacklist=,,,, modprobe.blacklist= ..=.= ."=".=' >"$dir/cmdline2.txt"
printf 'options x \0\0\0\nalias\0 a b\n\0' >"$dir/nul.conf"
: >"$dir/empty.conf"
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "\"a.b=%d ", i }' >"$dir/quotes.txt"

exec "$bin" "$dir"/*
