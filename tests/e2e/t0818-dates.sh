#!/bin/sh
# t0818-dates: dates as programs write them.  Gnumeric's year-first
# 2025/02/03 without an option; US Excel's 1/20/2026 (no leading zeros)
# under --date-format MM/DD/YYYY, the date_format setting or nightly
# --date-format, each giving the clean file's statistics; the advice a
# refusal gives works where it is given (ingest and nightly); two-digit
# years refused as such.
. "$(dirname "$0")/lib.sh"

DD=$DATA/dialects
export SYMTREND_TODAY=2025-12-01
"$SYMTREND" --db "$T/clean.db" ingest "$DD/clean.csv" >/dev/null 2>&1
"$SYMTREND" --db "$T/clean.db" stats --format csv >"$T/clean.stats"

# redate FORMAT OUT: clean.csv with its session dates written in FORMAT
# (python strftime; %-m and %-d without leading zeros, glibc).
redate() {
	python3 - "$DD/clean.csv" "$1" "$2" <<'PY'
import csv, datetime, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
for r in rows[1:]:
    r[1] = datetime.date.fromisoformat(r[1]).strftime(sys.argv[2])
with open(sys.argv[3], "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(rows)
PY
}

# same DESC DB FILE ARGS...: ingested without rejects, the clean statistics.
same() {
	desc=$1 db=$2 file=$3; shift 3
	"$SYMTREND" --db "$T/$db" ingest "$@" "$file" >"$T/out" 2>"$T/err"; rc=$?
	if [ "$rc" -ne 0 ]; then nok "$desc" "exit $rc: $(cat "$T/err")"; return; fi
	"$SYMTREND" --db "$T/$db" stats --format csv >"$T/$db.stats" 2>&1
	if cmp -s "$T/clean.stats" "$T/$db.stats"; then ok "$desc"; else nok "$desc" "$(diff "$T/clean.stats" "$T/$db.stats" | head)"; fi
}

redate %Y/%m/%d gnumeric.csv
check "Gnumeric's dates are year first" grep -q '^D01,2025/01/06,' gnumeric.csv
same "year-first slash dates without an option" g.db gnumeric.csv
redate %-m/%-d/%Y us.csv
check "US dates without leading zeros" grep -q '^D01,1/6/2025,' us.csv
expect 1 "US dates without an option" ingest us.csv
grep_err "the advice names both commands and the setting" "has slashes: say which order with --date-format DD/MM/YYYY or MM/DD/YYYY (ingest and nightly) or the date_format setting: '1/6/2025'"
grep_err "every row rejected, none stored" "us.csv: 53 rows read, 0 stored"
same "1/20/2026 under --date-format MM/DD/YYYY" us.db us.csv --date-format MM/DD/YYYY
rm -f us.csv.rejects.csv
"$SYMTREND" --db "$T/set.db" config set date_format MM/DD/YYYY >/dev/null 2>&1
same "... under the date_format setting" set.db us.csv
redate %-d/%-m/%Y dmy.csv
same "20/1/2026 under --date-format DD/MM/YYYY" dmy.db dmy.csv --date-format DD/MM/YYYY
redate %-d.%-m.%Y dots.csv
same "6.1.2025 (no leading zeros) without an option" dots.db dots.csv
expect 2 "date_format takes only the two orders" config set date_format YYYY/MM/DD
grep_err "with the reason" "date_format is DD/MM/YYYY or MM/DD/YYYY, not 'YYYY/MM/DD'"

printf 'patient_id,session_date,fatigue,sleep,focus,pain\nY1,03.02.25,5,5,5,5\nY1,1/20/26,5,5,5,5\nY1,2025/02/30,5,5,5,5\nY1,2025/02/28,5,5,5,5\n' >two.csv
expect 1 "two-digit years" ingest --date-format MM/DD/YYYY two.csv
grep_err "03.02.25: a two-digit year" "two.csv:2: session_date has a two-digit year: write the year with four digits (in the spreadsheet, a date format with YYYY): '03.02.25'"
grep_err "1/20/26: a two-digit year" "two.csv:3: session_date has a two-digit year"
grep_err "2025/02/30: not a real date, in its own form" "two.csv:4: session_date is not a real date (YYYY/MM/DD): '2025/02/30'"
grep_err "2025/02/28 stored" "two.csv: 4 rows read, 1 stored"
rm -f db

# --- the nightly: its advice is true --------------------------------------------------
mkdir -p inbox && cp us.csv inbox/us.csv && touch -d '10 minutes ago' inbox/us.csv
expect 1 "nightly with US dates and no order given" nightly --inbox inbox --out rep
check "its rejects give the advice" grep -q "with --date-format DD/MM/YYYY or MM/DD/YYYY (ingest and nightly)" rep/2025-12-01/rejects/us.csv.rejects.csv
cp us.csv inbox/us2.csv && touch -d '10 minutes ago' inbox/us2.csv
expect 0 "nightly --date-format MM/DD/YYYY, as advised" nightly --inbox inbox --out rep --date-format MM/DD/YYYY
check "the sessions stored" test "$(sqlv 'SELECT count(*) FROM sessions')" = 53
expect 2 "nightly --date-format checks its value" nightly --inbox inbox --out rep --date-format D/M/Y
finish
