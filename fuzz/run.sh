#!/bin/sh
# run.sh SECONDS TARGET... - runs each libFuzzer target for SECONDS, seeded
# from the test inputs; crashes land in fuzz/crashes/ (turn each into a
# regression test under tests/data/fuzz/).  Prints executions and coverage.
set -u
cd "$(dirname "$0")/.."
secs=$1; shift
mkdir -p fuzz/crashes
status=0
for t in "$@"; do
	corpus=fuzz/corpus-$t
	mkdir -p "$corpus"
	case $t in
	fuzz_csvin)
		for f in tests/data/*.csv sample-data/*.csv tests/data/fuzz/*; do
			[ -f "$f" ] || continue
			{ printf '\000'; head -c 4096 "$f"; } >"$corpus/seed-$(basename "$f")"
		done
		# the dialects: Windows-1252 (byte 2) for the German file
		for f in tests/data/dialects/*.csv tests/data/dialects/*.txt tests/data/dialects/inline.xlsx; do
			{ printf '\002'; cat "$f"; } >"$corpus/seed-$(basename "$f")"
		done ;;
	fuzz_decode)
		# byte 1: encoding, byte 2: buffer size, then the file
		for f in tests/data/dialects/*.csv tests/data/dialects/*.txt; do
			[ -f "$f" ] || continue
			for e in 0 1 2 5; do
				{ printf "\\00$e\\001"; head -c 4096 "$f"; } >"$corpus/seed-$e-$(basename "$f")"
			done
		done ;;
	fuzz_xlsx)
		# not the shared-strings giants: seconds each, they would starve the fuzzer
		for f in tests/data/dialects/*.xlsx; do
			case $f in *hostile-sst-*) continue ;; esac
			cp "$f" "$corpus/seed-$(basename "$f")"
		done
		# the bombs of make-workbooks.py, built small (5%): every shape as a seed
		python3 tests/data/dialects/make-workbooks.py "$corpus" 0.05 &&
			for f in "$corpus"/*.xlsx "$corpus"/*.ods; do
				mv "$f" "$corpus/seed-bomb-$(basename "$f")"
			done ;;
	fuzz_values)
		for v in 2025-02-28 2024-02-29 6.5 10 0x5 fatigue.mcid=2 pain.sd=auto course_gap=90 \
			 settle_seconds=60 fatigue.reliability=0.8; do
			printf '%s' "$v" >"$corpus/seed-$v"
		done ;;
	fuzz_text)
		i=0
		for v in 'Team 100%' 'back pain (50% disability)' "O'Brien \"Who\" & <i>" '`id` @x {/Symbol a} ^_' \
			 "$(printf 'evil\nnightly 2099-01-01: 0 files FAKE.csv')" "$(printf 'red\033[31mX')" \
			 "$(printf 'a\342\200\256b \377 M\303\274ller')"; do
			i=$((i + 1))
			printf '%s' "$v" >"$corpus/seed-$i"
		done ;;
	esac
	echo "== $t: $secs s"
	"./build-fuzz/$t" -max_total_time="$secs" -print_final_stats=1 -max_len=${FUZZ_MAX_LEN:-16384} \
		-artifact_prefix=fuzz/crashes/ -timeout=10 "$corpus" 2>"fuzz/$t.log"
	rc=$?
	grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|cov: ' "fuzz/$t.log" | tail -3
	[ $rc -ne 0 ] && { echo "$t: crash, see fuzz/$t.log"; status=1; }
done
exit $status
