#!/bin/sh
# Replays hostile inputs (made by the fuzz entry itself, plus random bytes for each
# parser) through depmod's text parsers (TAP).
# Usage: fuzz-depmod-replay.sh FUZZ_DEPMOD_BINARY
set -e
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" --make-corpus "$dir"
for k in 0 1 2; do
	{ printf "\\$k"; head -c 4096 /dev/urandom; } >"$dir/random-$k"
done
exec "$bin" "$dir"/*
