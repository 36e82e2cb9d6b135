#!/bin/sh
# Generates hostile index files with the fuzz entry itself, then replays them (TAP).
# Usage: fuzz-index-replay.sh FUZZ_INDEX_BINARY
set -e
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" --make-corpus "$dir"
head -c 4096 /dev/urandom >"$dir/random.bin"
exec "$bin" "$dir"/*
