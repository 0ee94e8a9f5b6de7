#!/bin/sh
# make-deb.sh - 'make deb': builds the Debian package of symtrend with
# dpkg-buildpackage (debhelper) in a copy of the tree, build-deb/, so that
# the tree itself is left as it was, then runs lintian on it.  Prints the
# path of the .deb; lintian's findings go to build-deb/lintian.txt (an
# error fails the build).
set -eu
cd "$(dirname "$0")/.."
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
out=build-deb
src=$out/symtrend-$version
rm -rf "$out"
mkdir -p "$src"
cp -R Makefile include src doc debian "$src"/
(cd "$src" && dpkg-buildpackage -us -uc -b >../build.log 2>&1) || {
	tail -30 "$out/build.log" >&2
	echo "make-deb: dpkg-buildpackage failed (whole log: $out/build.log)" >&2
	exit 3
}
deb=$(ls "$out"/symtrend_"$version"_*.deb)
lintian --info "$deb" >"$out/lintian.txt" 2>&1 || true
if grep -q '^E: ' "$out/lintian.txt"; then
	cat "$out/lintian.txt" >&2
	echo "make-deb: lintian reports errors" >&2
	exit 3
fi
echo "$deb"
echo "lintian: $(grep -c '^W: ' "$out/lintian.txt") warnings, 0 errors ($out/lintian.txt)"
