#!/bin/sh
# Replays generated hostile inputs through the modules.builtin.modinfo fuzz entry.
# Input format: first line = module name, rest = file content.
# Usage: fuzz-builtin-replay.sh FUZZ_BUILTIN_BINARY
set -e
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

{ printf 'a\n'; head -c 100000 /dev/urandom; } >"$dir/random.bin"
printf 'a\na.x=1\0a.y=no-terminator' >"$dir/unterminated.bin"
printf 'a\n\0\0\0a.\0a\0a.\0\0' >"$dir/empty-records.bin"
printf '\na.x=1\0.y=2\0' >"$dir/empty-name.bin"
printf 'a\n' >"$dir/no-content.bin"
printf 'noline' >"$dir/no-newline.bin"
{ printf 'a\n'; awk 'BEGIN { for (i = 0; i < 50000; i++) printf "a.k%d=v\0", i }'; } >"$dir/many.bin"
{ printf 'a\n'; awk 'BEGIN { printf "a.big="; for (i = 0; i < 300000; i++) printf "x" }'; } >"$dir/long.bin"
{ printf 'a\n'; awk 'BEGIN { for (i = 0; i < 1000; i++) printf "b.x=1\0a.y=%d\0", i }'; } >"$dir/interleaved.bin"

exec "$bin" "$dir"/*
