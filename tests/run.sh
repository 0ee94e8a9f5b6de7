#!/bin/sh
# run.sh - the whole test suite, as 'make check' runs it: the cmocka unit
# tests and the end-to-end scripts, each once with the optimised build and
# once under AddressSanitizer + UndefinedBehaviorSanitizer.  Every test
# prints TAP lines; the last line is "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 3
export LC_ALL=C TZ=UTC CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
# fontconfig's caches live until exit (tests/lsan.supp says why)
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
out=tests/out
rm -rf "$out" && mkdir -p "$out"
pass=0 fail=0 skip=0

tally() { # log name
	p=$(grep -c '^ok ' "$1")
	f=$(grep -c '^not ok ' "$1")
	s=$(grep -c '^ok .*# [Ss][Kk][Ii][Pp]' "$1")
	pass=$((pass + p - s))
	skip=$((skip + s))
	fail=$((fail + f))
	if [ "$f" -gt 0 ]; then
		echo "FAIL $2"
		grep -A3 '^not ok ' "$1" | sed 's/^/    /' | head -40
	elif [ "$3" -ne 0 ]; then
		echo "FAIL $2 (exit $3)"
		tail -20 "$1" | sed 's/^/    /'
		fail=$((fail + 1))
	else
		echo "pass $2 ($p)"
	fi
}

for variant in build build-asan; do
	for t in tests/unit/test_*.c; do
		name=$(basename "$t" .c)
		log="$out/$variant-$name.log"
		"./$variant/$name" >"$log" 2>&1
		tally "$log" "$variant/$name" $?
	done
	bin=./symtrend
	[ "$variant" = build-asan ] && bin=./build-asan/symtrend
	for t in tests/e2e/t*.sh; do
		name=$(basename "$t" .sh)
		log="$out/$variant-$name.log"
		SYMTREND="$PWD/$bin" VARIANT=$variant sh "$t" >"$log" 2>&1
		tally "$log" "$variant/$name" $?
	done
done
# Static checks: cppcheck and clang-tidy (make lint), one result.
if make --no-print-directory lint >"$out/lint.log" 2>&1; then
	echo "ok 1 - make lint" >"$out/lint.tap"
else
	{ echo "not ok 1 - make lint"; sed 's/^/# /' "$out/lint.log" | tail -30; } >"$out/lint.tap"
fi
tally "$out/lint.tap" lint 0

if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
