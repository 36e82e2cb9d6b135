#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# extract-kernel-certs.sh VMLINUZ OUTDIR
#
# Writes the X.509 certificates built into a kernel image (its
# system_certificate_list: the module signing certificate and any extra trusted
# keys) to OUTDIR/cert-N.der and OUTDIR/cert-N.pem, N from 1, and prints one line
# per certificate: "<file> <subject>". Exit status 1 when the image cannot be
# unpacked or holds no certificate. See docs/signatures.md ("Certificates built
# into a kernel").
#
# Steps, with nothing but coreutils, grep, xz/zstd/gzip and openssl (on purpose
# independent of modkit's own code, which the tests compare with it):
#  1. the compressed kernel: in an x86 bzImage the setup header gives it (boot
#     protocol 2.08+: setup_sects at 0x1f1, "HdrS" at 0x202, payload_offset and
#     payload_length at 0x248/0x24c; the payload starts (setup_sects + 1) * 512 +
#     payload_offset bytes into the file and ends with 4 bytes of uncompressed
#     size); otherwise the first xz, zstd or gzip magic in the file;
#  2. decompressed with the matching tool;
#  3. every place that starts like a DER certificate - SEQUENCE, two-byte length,
#     SEQUENCE, two-byte length (30 82 hh ll 30 82) - is cut to that length and
#     kept when openssl parses it as a certificate.
set -euo pipefail
export LC_ALL=C

if [ $# -ne 2 ]; then
	echo "usage: $0 VMLINUZ OUTDIR" >&2
	exit 2
fi
image=$1
out=$2
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# u8/u16le/u32le at a byte offset of the image
u() { od -An -tu"$2" -j "$1" -N "$2" --endian=little "$image" | tr -d ' '; }
# FILE OFFSET LENGTH: those bytes on stdout
cut_bytes() { dd if="$1" iflag=skip_bytes,count_bytes skip="$2" count="$3" bs=64K status=none; }

payload="$tmp/payload"
size=$(stat -c %s "$image")
if [ "$size" -gt 624 ] && [ "$(dd if="$image" bs=1 skip=$((0x202)) count=4 status=none)" = HdrS ] &&
	[ "$(u $((0x206)) 2)" -ge $((0x208)) ]; then
	setup_sects=$(u $((0x1f1)) 1)
	[ "$setup_sects" -eq 0 ] && setup_sects=4
	start=$(((setup_sects + 1) * 512 + $(u $((0x248)) 4)))
	length=$(($(u $((0x24c)) 4) - 4))
	cut_bytes "$image" "$start" "$length" >"$payload"
else
	# the first compressed stream anywhere in the file
	start=$(grep -obUaP '\xfd7zXZ\x00|\x28\xb5\x2f\xfd|\x1f\x8b\x08' "$image" | head -1 | cut -d: -f1) || true
	if [ -z "$start" ]; then
		echo "$image: no xz, zstd or gzip payload found" >&2
		exit 1
	fi
	tail -c +$((start + 1)) "$image" >"$payload"
fi

kernel="$tmp/kernel"
magic=$(od -An -tx1 -N6 "$payload" | tr -d ' \n')
case "$magic" in
fd377a585a00) xz -dc --single-stream <"$payload" >"$kernel" ;;
28b52ffd*) zstd -dcq <"$payload" >"$kernel" ;;
1f8b*) gzip -dc <"$payload" >"$kernel" 2>/dev/null || [ -s "$kernel" ] ;;
*)
	echo "$image: payload of unknown format (magic $magic)" >&2
	exit 1
	;;
esac

n=0
while read -r offset; do
	len=$(($(od -An -tu1 -j $((offset + 2)) -N1 "$kernel") * 256 + $(od -An -tu1 -j $((offset + 3)) -N1 "$kernel") + 4))
	cut_bytes "$kernel" "$offset" "$len" >"$tmp/cand.der"
	if subject=$(openssl x509 -inform DER -in "$tmp/cand.der" -noout -subject 2>/dev/null); then
		n=$((n + 1))
		cp "$tmp/cand.der" "$out/cert-$n.der"
		openssl x509 -inform DER -in "$tmp/cand.der" -out "$out/cert-$n.pem"
		echo "$out/cert-$n.der ${subject#subject=}"
	fi
done < <(grep -obUaP '(?s)\x30\x82..\x30\x82' "$kernel" | cut -d: -f1)

if [ "$n" -eq 0 ]; then
	echo "$image: no certificate found in the decompressed kernel" >&2
	exit 1
fi
