#!/bin/sh
# run.sh - 'make bench': symtrend against references measured in the same
# run on the same machine.  Figures are ratios; peak memory is max RSS.
#   ingest       vs the sqlite3 shell's .import of the same file (the floor)
#   stats        vs the same statistics computed with pandas/SciPy
#   model        the mixed model of one measure (target < 10 s), and all by indication
#   backup       'backup --to' of the big database (time, size) vs sqlite3's .backup
#   nightly      a night of 500 new sessions on the big database
#   issue 15     a night, a first night, stats and the clinic report against
#                the targets of issue 15 (own 300,000-session database)
# BENCH_SESSIONS (default 1000000) sets the size; BENCH_SKIP_MAIN=1 runs
# only the issue-15 section.
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
if [ "${BENCH_SKIP_MAIN:-0}" != 1 ]; then
build/gen --sessions "$N" --out $O/sessions.csv --patients $O/patients.csv
ls -l $O/sessions.csv | awk '{printf "input: %.1f MB\n", $5 / 1048576}' | tee -a "$res"

# --- issue 2: ingest against the SQLite floor --------------------------------
measure sqlite3_import sqlite3 $O/import.db ".mode csv" ".import $O/sessions.csv t"
measure symtrend_ingest ./symtrend --db $O/big.db ingest --patients $O/patients.csv $O/sessions.csv
grep -h 'ingest: ' $O/symtrend_ingest.err | tail -1 | tee -a "$res"
measure symtrend_reingest ./symtrend --db $O/big.db ingest $O/sessions.csv
ratio "ingest / .import" symtrend_ingest sqlite3_import "target <= 1.5x"
ratio "re-ingest / .import" symtrend_reingest sqlite3_import "every row checked, none stored"

# --- issue 25: a verified backup of the big database ---------------------------
measure sqlite3_backup sqlite3 $O/big.db ".backup $O/plain-backup.db"
measure symtrend_backup ./symtrend --db $O/big.db backup --to $O/backup.db
measure symtrend_restore ./symtrend --db $O/restored.db restore $O/backup.db
ls -l $O/big.db $O/backup.db | awk '{printf "%s: %.1f MB\n", $NF, $5 / 1048576}' | tee -a "$res"
ratio "backup / sqlite3 .backup" symtrend_backup sqlite3_backup "verified: integrity_check and counts, synced"
rm -f $O/plain-backup.db $O/backup.db $O/restored.db $O/restored.db.*

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
fi

# --- issue 15: where the clinic waits -----------------------------------------
# On a 300,000-session database (BENCH_SPEED_SESSIONS): the night, the clinic
# report and the statistics as ratios to references in this run; the first
# night of a 100,000-session backfill (BENCH_FIRST_SESSIONS) in seconds;
# peak memory of stats and the clinic report there and on a second database
# of 1,000,000 sessions (BENCH_MEM_SESSIONS).
S=${BENCH_SPEED_SESSIONS:-300000}
F=${BENCH_FIRST_SESSIONS:-100000}
# target LABEL VALUE LIMIT UNIT: one line, the figure and the one it must beat.
target() {
	printf '%-44s %8.2f%-2s (target <= %s%s) %s\n' "$1" "$2" "$4" "$3" "$4" \
		"$(echo "$2 <= $3" | bc -l | sed 's/1/met/;s/0/MISSED/')" | tee -a "$res"
}
q() { echo "$(secs "$1") / $(secs "$2")" | bc -l; }
mb() { echo "$(tail -1 "$O/$1.time" | cut -d' ' -f2) / 1024" | bc -l; }
echo "== issue 15: $S sessions, first night $F sessions" | tee -a "$res"
rm -f $O/speed.db* $O/night.db* $O/first.db* $O/first-all.db*
build/gen --sessions "$S" --out $O/speed-sessions.csv --patients $O/speed-patients.csv
./symtrend --db $O/speed.db ingest --patients $O/speed-patients.csv $O/speed-sessions.csv >/dev/null 2>&1
measure speed_import sqlite3 $O/speed-import.db ".mode csv" ".import $O/speed-sessions.csv t"
rm -f $O/speed-import.db
measure speed_stats ./symtrend --db $O/speed.db stats --format csv
measure speed_pandas_noplateau $PY bench/reference_stats.py $O/speed.db courses-noplateau
measure speed_stats_clinic ./symtrend --db $O/speed.db stats --clinic --format csv
rm -rf $O/speed-report
measure speed_report_clinic ./symtrend --db $O/speed.db report clinic --out $O/speed-report
# (5) the same two at a second size (BENCH_MEM_SESSIONS): peak memory must
# not follow the size of the database.
M=${BENCH_MEM_SESSIONS:-1000000}
rm -f $O/mem.db* && rm -rf $O/mem-report
build/gen --sessions "$M" --out $O/mem-sessions.csv --patients $O/mem-patients.csv
./symtrend --db $O/mem.db ingest --patients $O/mem-patients.csv $O/mem-sessions.csv >/dev/null 2>&1
measure mem_stats ./symtrend --db $O/mem.db stats --format csv
measure mem_report_clinic ./symtrend --db $O/mem.db report clinic --out $O/mem-report
rm -f $O/mem.db* $O/mem-sessions.csv $O/mem-patients.csv && rm -rf $O/mem-report
# (1) a night: 500 sessions of 100 patients, notes, alerts, the clinic report
cp $O/speed.db $O/night.db
rm -rf $O/night-inbox $O/night-out && mkdir -p $O/night-inbox
sh bench/night.sh $O/night.db $O/night-inbox 500 100
measure speed_night env SYMTREND_TODAY=2030-01-29 ./symtrend --db $O/night.db nightly --settle 0 \
	--inbox $O/night-inbox --out $O/night-out
cat $O/speed_night.out | tee -a "$res"
# (2) a first night: the backfill of a clinic's history, run the day after its last session
rm -rf $O/first-inbox $O/first-out && mkdir -p $O/first-inbox
build/gen --sessions "$F" --out $O/first-inbox/sessions.csv --patients $O/first-inbox/patients.csv
touch -d '10 minutes ago' $O/first-inbox/*.csv
day=$(tail -n +2 $O/first-inbox/sessions.csv | cut -d, -f2 | sort | tail -1)
measure speed_first_night env SYMTREND_TODAY="$(date -u -d "$day + 1 day" +%Y-%m-%d)" \
	./symtrend --db $O/first.db nightly --settle 0 --inbox $O/first-inbox --out $O/first-out
cat $O/speed_first_night.out | tee -a "$res"
# For comparison, not a target: the same first night writing every patient's
# letter (alert_window at its 3650-day maximum), as a night did before.
rm -rf $O/first-inbox $O/first-out && mkdir -p $O/first-inbox
build/gen --sessions "$F" --out $O/first-inbox/sessions.csv --patients $O/first-inbox/patients.csv
touch -d '10 minutes ago' $O/first-inbox/*.csv
./symtrend --db $O/first-all.db init >/dev/null && ./symtrend --db $O/first-all.db config set alert_window 3650
measure speed_first_night_all env SYMTREND_TODAY="$(date -u -d "$day + 1 day" +%Y-%m-%d)" \
	./symtrend --db $O/first-all.db nightly --settle 0 --inbox $O/first-inbox --out $O/first-out
cat $O/speed_first_night_all.out | tee -a "$res"
target "(1) night 500 sessions / .import $S" "$(q speed_night speed_import)" 5 x
target "(2) first night of $F sessions" "$(secs speed_first_night)" 120 s
target "(3) stats csv / pandas without plateau" "$(q speed_stats speed_pandas_noplateau)" 0.2 x
target "(4) report clinic / stats --clinic" "$(q speed_report_clinic speed_stats_clinic)" 2 x
target "(5) peak memory: stats, $S sessions" "$(mb speed_stats)" 64 MB
target "(5) peak memory: stats, $M sessions" "$(mb mem_stats)" 64 MB
target "(5) peak memory: report clinic, $S sessions" "$(mb speed_report_clinic)" 64 MB
target "(5) peak memory: report clinic, $M sessions" "$(mb mem_report_clinic)" 64 MB
target "(5) peak memory: night" "$(mb speed_night)" 256 MB
target "(5) peak memory: first night" "$(mb speed_first_night)" 256 MB

# --- issue 14: spreadsheet dialects (a ';' file and a workbook vs the clean CSV) ---
if ./symtrend --help | grep -q '^  template '; then
	sh bench/dialects.sh && cat bench/out/results-dialects.txt >>"$res"
fi
echo "results in $res"
