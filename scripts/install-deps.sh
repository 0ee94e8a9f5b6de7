#!/bin/sh
# Installs the Debian packages symtrend needs to build, test and draw charts.
# Idempotent: only packages that are missing are installed.  Run as root
# (or via sudo) on Debian 12.  Extra package sets: "r" (fixture
# regeneration), "bench" (pandas reference), "fuzz" (clang runtime), "test"
# (what make check uses besides the build: Chromium and poppler-utils to
# check pages as they print), "deb" ('make deb': the Debian packaging tools
# and lintian).
set -eu
pkgs="build-essential pkg-config libsqlite3-dev sqlite3 libgsl-dev libcsv-dev libutf8proc-dev libzip-dev libexpat1-dev libxlsxwriter-dev gnuplot-nox libcmocka-dev cppcheck clang-tidy python3"
# note.pdf (pango, cairo, librsvg, the DejaVu fonts it embeds) and the FHIR
# export (jansson).  make check's PDF checks use the "test" set's
# poppler-utils; its FHIR schema validator is tests/fhir/setup.sh's (npm,
# which the machine has with nodejs).
pkgs="$pkgs libpango1.0-dev libcairo2-dev librsvg2-dev fonts-dejavu-core libjansson-dev"
for extra in "$@"; do
	case "$extra" in
	r) pkgs="$pkgs r-base-core r-cran-survival r-cran-lme4" ;;
	test) pkgs="$pkgs chromium poppler-utils" ;; # make check: pages as printed (Chromium to PDF, pdfinfo)
	bench) pkgs="$pkgs python3-pandas python3-scipy python3-openpyxl time bc" ;;
	fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
	deb) pkgs="$pkgs dpkg-dev debhelper fakeroot lintian" ;;
	*) echo "install-deps: unknown package set '$extra'" >&2; exit 2 ;;
	esac
done
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "install-deps: missing packages:$missing (run as root)" >&2; exit 3
	fi
else
	SUDO=
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
