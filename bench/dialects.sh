#!/bin/sh
# dialects.sh - issue 14's part of 'make bench' (run alone too: sh
# bench/dialects.sh): ingest of the same sessions as a clean UTF-8 CSV, as a
# German Excel ';' file (decimal commas, DD.MM.YYYY, Windows-1252 through
# iconv) and as an .xlsx workbook, each into a new database.  Figures: the
# ';' file's ratio to the clean CSV (target <= 1.3x); the workbook's time
# and peak memory (streaming: memory must not grow with the sheet).
# BENCH_DIALECT_ROWS (default 300000) sets the size.
set -eu
cd "$(dirname "$0")/.."
N=${BENCH_DIALECT_ROWS:-300000}
O=bench/out
mkdir -p $O
res=$O/results-dialects.txt
: >"$res"
rm -f $O/d-*.db $O/d-*.db-wal $O/d-*.db-shm $O/d-*.rejects.csv

# measure NAME CMD...: wall seconds and peak RSS (KB)
measure() {
	name=$1; shift
	/usr/bin/time -f "%e %M" -o "$O/$name.time" "$@" >"$O/$name.out" 2>"$O/$name.err" || true
	read -r secs kb <<-EOT
	$(tail -1 "$O/$name.time")
	EOT
	printf '%-28s %8.2f s %8.1f MB\n' "$name" "$secs" "$(echo "$kb / 1024" | bc -l)" | tee -a "$res"
}
secs() { tail -1 "$O/$1.time" | cut -d' ' -f1; }

echo "== dialects: $N sessions, $(nproc) cores" | tee -a "$res"
build/gen --sessions "$N" --out $O/d-clean.csv
/usr/bin/python3 bench/dialects.py $O/d-clean.csv $O/d-sessions
ls -l $O/d-clean.csv $O/d-sessions.semicolon.csv $O/d-sessions.xlsx |
	awk '{printf "input: %-32s %7.1f MB\n", $9, $5 / 1048576}' | tee -a "$res"
# Each twice, alternating, the faster run counts (the machine is shared).
for k in 1 2; do
	rm -f $O/d-*.db
	measure "ingest_clean_csv_$k" ./symtrend --db $O/d-clean.db ingest $O/d-clean.csv
	measure "ingest_semicolon_1252_$k" ./symtrend --db $O/d-semi.db ingest --encoding WINDOWS-1252 $O/d-sessions.semicolon.csv
	measure "ingest_xlsx_$k" ./symtrend --db $O/d-xlsx.db ingest $O/d-sessions.xlsx
done
best() { a=$(secs "${1}_1"); b=$(secs "${1}_2"); echo "if ($a < $b) $a else $b" | bc -l; }
c=$(best ingest_clean_csv) s=$(best ingest_semicolon_1252) x=$(best ingest_xlsx)
printf '%-28s %8.2fx  (target <= 1.3x)\n' "; file / clean CSV" "$(echo "$s / $c" | bc -l)" | tee -a "$res"
printf '%-28s %8.2fx  (%.2f s)\n' "workbook / clean CSV" "$(echo "$x / $c" | bc -l)" "$x" | tee -a "$res"
for f in clean semi xlsx; do
	printf '%s: %s sessions\n' $f "$(sqlite3 $O/d-$f.db 'SELECT count(*) FROM sessions')"
done | tee -a "$res"
grep -h 'rows read' $O/ingest_*_2.err | tee -a "$res"
