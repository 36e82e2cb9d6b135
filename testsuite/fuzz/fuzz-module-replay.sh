#!/bin/sh
# Replays generated hostile modules.dep lines and queries through the module fuzz
# entry (TAP from it), in a module directory holding a few real (empty) files so
# that dependency paths resolve. Usage: fuzz-module-replay.sh FUZZ_MODULE_BINARY
set -e
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/moddir/kernel" "$dir/in"
for m in a b c-d; do : >"$dir/moddir/kernel/$m.ko"; done
export MODKIT_FUZZ_MODDIR="$dir/moddir"
in=$dir/in

head -c 100000 /dev/urandom >"$in/random.bin"
printf 'kernel/fuzz.ko: kernel/a.ko kernel/b.ko\tkernel/c-d.ko' >"$in/valid"
printf 'kernel/fuzz.ko: kernel/a.ko kernel/a.ko kernel/a.ko' >"$in/repeated"
printf 'kernel/fuzz.ko: kernel/a.ko kernel/missing.ko kernel/b.ko' >"$in/missing-dep"
printf ':::::' >"$in/colons"
printf 'no colon at all' >"$in/no-colon"
printf ':' >"$in/colon-only"
printf 'kernel/fuzz.ko:    \t\t   ' >"$in/blank-deps"
printf 'kernel/fuzz.ko: /\n/ / //' >"$in/slashes"
printf 'kernel/fuzz.ko: %s/moddir/kernel/b.ko kernel/b.ko' "$dir" >"$in/absolute-same"
awk 'BEGIN { printf "kernel/fuzz.ko: "; for (i = 0; i < 5000; i++) printf "x"; printf "\n" }' >"$in/long-dep"
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "y"; printf ": kernel/a.ko" }' >"$in/long-path"
awk 'BEGIN { printf "kernel/fuzz.ko:"; for (i = 0; i < 20000; i++) printf " kernel/a.ko" }' >"$in/many-deps"
printf 'a[b-c]-d\0:x' >"$in/nul"
printf '[[[[]]]]---' >"$in/brackets"
printf 'symbol:' >"$in/symbol"
: >"$in/empty"

exec "$bin" "$in"/*
