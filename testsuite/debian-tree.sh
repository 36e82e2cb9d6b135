#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# debian-tree.sh [--compressed xz|zst|gz]
#
# Prints the root of the unpacked Debian kernel package linux-image-6.1.0-50-amd64
# (6.1.176-1): the directory holding lib/modules/6.1.0-50-amd64 and
# boot/vmlinuz-6.1.0-50-amd64. The package is fetched with `apt-get download` and
# unpacked with `dpkg -x` (never installed) into the cache directory
# ${MODKIT_CACHE:-/var/cache/modkit} on first use.
#
# --compressed KIND prints instead the root of a copy whose .ko files are compressed
# (compress-tree.sh), built once and cached next to the plain tree.
#
# When the package cannot be downloaded (no network, and no copy in the cache) the
# exit status is 77 and stderr says so: tests then report a TAP SKIP with that
# reason (and .ci/run, where everything is installed, counts a skip as a failure).
# Any other failure exits 1, and the tests needing the tree fail.
set -euo pipefail

PKG=linux-image-6.1.0-50-amd64
VER=6.1.176-1
KVER=6.1.0-50-amd64
CACHE=${MODKIT_CACHE:-/var/cache/modkit}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

# A failed download is remembered for ten minutes (per cache directory and network
# namespace), so that the many test cases asking in one offline run do not each
# wait for apt-get.
failkey=$(printf '%s %s' "$CACHE" "$(readlink /proc/self/ns/net 2>/dev/null)" | md5sum | cut -c1-12)
failmark=${TMPDIR:-/tmp}/modkit-debian-tree-unavailable.$(id -u).$failkey
unavailable() {
	echo "$*" >"$failmark" 2>/dev/null || true
	echo "debian-tree.sh: $*" >&2
	echo "debian-tree.sh: needs the Debian package $PKG=$VER: the network once, or a copy in $CACHE" >&2
	exit 77
}

die() {
	echo "debian-tree.sh: $*" >&2
	echo "debian-tree.sh: the Debian module tree ($PKG=$VER) is not available" >&2
	exit 1
}

kind=
while [ $# -gt 0 ]; do
	case $1 in
	--compressed)
		[ $# -ge 2 ] || die "--compressed needs xz, zst or gz"
		kind=$2
		shift 2
		;;
	--compressed=*)
		kind=${1#--compressed=}
		shift
		;;
	-h | --help)
		sed -n '3,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown argument '$1'" ;;
	esac
done
case $kind in
'' | xz | zst | gz) ;;
*) die "unknown compression '$kind' (xz, zst or gz)" ;;
esac

complete() {
	[ -d "$1/lib/modules/$KVER/kernel" ] && [ -f "$1/lib/modules/$KVER/modules.order" ] &&
		[ -f "$1/boot/vmlinuz-$KVER" ]
}

root=$CACHE/root-$KVER
want=$root
[ -z "$kind" ] || want=$CACHE/root-$KVER-$kind
if complete "$want"; then
	echo "$want"
	exit 0
fi

mkdir -p "$CACHE" 2>/dev/null || die "cannot create the cache directory $CACHE"
[ -w "$CACHE" ] || die "the cache directory $CACHE is not writable"

# One builder at a time (parallel test programs may all ask at once).
{ exec 9>"$CACHE/.debian-tree.lock"; } 2>/dev/null || die "cannot create $CACHE/.debian-tree.lock"
flock 9 || die "cannot lock $CACHE/.debian-tree.lock"

if ! complete "$root"; then
	deb=$(ls "$CACHE/${PKG}_${VER}"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		echo "debian-tree.sh: downloading $PKG=$VER into $CACHE" >&2
		if [ -n "$(find "$failmark" -mmin -10 2>/dev/null)" ]; then
			unavailable "$(cat "$failmark") (less than 10 minutes ago; not retried)"
		fi
		command -v apt-get >/dev/null || unavailable "apt-get is not available to download it"
		apt=(apt-get -o Acquire::Retries=1 -o Acquire::http::Timeout=30)
		if ! (cd "$CACHE" && "${apt[@]}" download "$PKG=$VER") >&2; then
			echo "debian-tree.sh: download failed; running apt-get update" >&2
			"${apt[@]}" update >&2 || true
			(cd "$CACHE" && "${apt[@]}" download "$PKG=$VER") >&2 ||
				unavailable "apt-get download $PKG=$VER failed"
		fi
		rm -f "$failmark"
		deb=$(ls "$CACHE/${PKG}_${VER}"_*.deb 2>/dev/null | head -n1 || true)
		[ -n "$deb" ] || die "apt-get download left no ${PKG}_${VER}_*.deb in $CACHE"
	fi
	tmp=$(mktemp -d "$CACHE/.root-$KVER.XXXXXX")
	chmod 755 "$tmp"
	trap 'rm -rf "$tmp"' EXIT
	dpkg -x "$deb" "$tmp" || die "dpkg -x $deb failed"
	complete "$tmp" || die "$deb does not hold lib/modules/$KVER and boot/vmlinuz-$KVER"
	rm -rf "$root"
	mv -T "$tmp" "$root"
	trap - EXIT
fi

if [ -n "$kind" ] && ! complete "$want"; then
	echo "debian-tree.sh: building the $kind-compressed copy in $want" >&2
	tmp=$(mktemp -d "$CACHE/.root-$KVER-$kind.XXXXXX")
	chmod 755 "$tmp"
	trap 'rm -rf "$tmp"' EXIT
	"$here/compress-tree.sh" "$root" "$tmp" "$kind" || die "compressing the tree failed"
	complete "$tmp" || die "the $kind copy is incomplete"
	rm -rf "$want"
	mv -T "$tmp" "$want"
	trap - EXIT
fi

echo "$want"
