#!/bin/sh
# run.sh - 'make bench': symtrend against references measured in the same
# run on the same machine.  Figures are ratios; peak memory is max RSS.
#   ingest       vs the sqlite3 shell's .import of the same file (the floor)
#   stats        vs the same statistics computed with pandas/SciPy
#   model        the mixed model of one measure (target < 10 s), and all by indication
#   nightly      a night of 500 new sessions on the big database
# BENCH_SESSIONS (default 1000000) sets the size.
set -eu
cd "$(dirname "$0")/.."
N=${BENCH_SESSIONS:-1000000}
O=bench/out
PY=/usr/bin/python3
mkdir -p $O
rm -f $O/*.db $O/*.db-wal $O/*.db-shm $O/*.rejects.csv
res=$O/results.txt
: >"$res"

# measure NAME CMD...: wall seconds and peak RSS (KB) into $O/NAME.time
measure() {
	name=$1; shift
	/usr/bin/time -f "%e %M" -o "$O/$name.time" "$@" >"$O/$name.out" 2>"$O/$name.err" || true
	# GNU time says "Command exited with non-zero status" first when it does.
	read -r secs kb <<-EOT
	$(tail -1 "$O/$name.time")
	EOT
	printf '%-28s %8.2f s %8.1f MB\n' "$name" "$secs" "$(echo "$kb / 1024" | bc -l)" | tee -a "$res"
}
secs() { tail -1 "$O/$1.time" | cut -d' ' -f1; }
ratio() { printf '%-28s %8.2fx  (%s)\n' "$1" "$(echo "$(secs "$2") / $(secs "$3")" | bc -l)" "$4" | tee -a "$res"; }

echo "== symtrend benchmark: $N sessions, $(nproc) cores, $(date -u +%Y-%m-%d)" | tee -a "$res"
build/gen --sessions "$N" --out $O/sessions.csv --patients $O/patients.csv
ls -l $O/sessions.csv | awk '{printf "input: %.1f MB\n", $5 / 1048576}' | tee -a "$res"

# --- issue 2: ingest against the SQLite floor --------------------------------
measure sqlite3_import sqlite3 $O/import.db ".mode csv" ".import $O/sessions.csv t"
measure symtrend_ingest ./symtrend --db $O/big.db ingest --patients $O/patients.csv $O/sessions.csv
grep -h 'ingest: ' $O/symtrend_ingest.err | tail -1 | tee -a "$res"
measure symtrend_reingest ./symtrend --db $O/big.db ingest $O/sessions.csv
ratio "ingest / .import" symtrend_ingest sqlite3_import "target <= 1.5x"
ratio "re-ingest / .import" symtrend_reingest sqlite3_import "every row checked, none stored"

# --- issue 3: statistics against pandas ---------------------------------------
measure symtrend_stats ./symtrend --db $O/big.db stats --format csv
measure pandas_stats $PY bench/reference_stats.py $O/big.db courses
measure symtrend_stats_clinic ./symtrend --db $O/big.db stats --clinic --format csv
measure pandas_stats_clinic $PY bench/reference_stats.py $O/big.db clinic
measure symtrend_model_fatigue ./symtrend --db $O/big.db model --measure fatigue
measure symtrend_model_all ./symtrend --db $O/big.db model --by indication
ratio "pandas / symtrend stats" pandas_stats symtrend_stats "target >= 5x"
ratio "pandas / symtrend clinic" pandas_stats_clinic symtrend_stats_clinic "target >= 5x"
echo "courses x measures: $(($(wc -l <$O/symtrend_stats.out) - 1)) rows (symtrend), $(($(wc -l <$O/pandas_stats.out) - 1)) rows (pandas)" | tee -a "$res"

# --- issue 5: a night with 500 new sessions ------------------------------------
if ./symtrend --help | grep -q '^  nightly '; then
	rm -rf $O/inbox $O/nightly-out
	mkdir -p $O/inbox
	sh bench/night.sh $O/big.db $O/inbox 500
	measure symtrend_nightly_500 ./symtrend --db $O/big.db nightly --settle 0 --inbox $O/inbox --out $O/nightly-out
	cat $O/symtrend_nightly_500.out | tee -a "$res"
fi
echo "results in $res"
