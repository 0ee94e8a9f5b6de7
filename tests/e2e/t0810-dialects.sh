#!/bin/sh
# t0810-dialects: the files spreadsheets write (German Excel CSV in
# Windows-1252, Excel's UTF-16 "Unicode Text", padded headers) give exactly
# the statistics of the clean UTF-8 CSV; bad values are rejected at the
# line a clinic finds in its spreadsheet; a file not valid in its encoding
# is refused naming the encoding and the option.  Fixtures:
# tests/data/dialects/make-fixtures.py.
. "$(dirname "$0")/lib.sh"

DD=$DATA/dialects
export SYMTREND_TODAY=2025-12-01

# same_stats DESC DBNAME FILE ARGS...: ingests FILE into a new database and
# compares stats --format csv with the clean file's.
same_stats() {
	desc=$1 db=$2 file=$3; shift 3
	cp "$file" "$T/$(basename "$file")"
	"$SYMTREND" --db "$T/$db" ingest "$@" "$T/$(basename "$file")" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne 0 ] || ! grep -q ' 0 rejected, 0 conflicts' "$T/err"; then
		nok "$desc: ingested without rejects" "exit $rc: $(cat "$T/err")"; return
	fi
	"$SYMTREND" --db "$T/$db" stats --format csv >"$T/$db.stats" 2>"$T/err"
	if cmp -s "$T/clean.stats" "$T/$db.stats"; then ok "$desc"; else
		nok "$desc" "$(diff "$T/clean.stats" "$T/$db.stats" | head -20)"; fi
	check "$desc: no rejects file" test ! -e "$T/$(basename "$file").rejects.csv"
}

"$SYMTREND" --db "$T/clean.db" ingest "$DD/clean.csv" >/dev/null 2>&1
"$SYMTREND" --db "$T/clean.db" stats --format csv >"$T/clean.stats"
check "the clean CSV has 53 sessions" test "$(sqlite3 "$T/clean.db" 'SELECT count(*) FROM sessions')" = 53

same_stats "German Excel CSV (;, 7,5, DD.MM.YYYY, Windows-1252, CRLF, ;;)" german.db "$DD/german.csv" --encoding WINDOWS-1252
check "Windows-1252 names stored as UTF-8" test "$(sqlite3 "$T/german.db" "SELECT count(*) FROM sessions WHERE therapist='Jürgen Müller'")" -gt 0
same_stats "UTF-16 LE tab-separated Unicode Text" unicode.db "$DD/unicode.txt"
same_stats "header names with spaces, empty last column" spaces.db "$DD/spaces.csv"

# --- the input_encoding setting ----------------------------------------------
expect 0 "input_encoding setting accepted" config set input_encoding windows-1252
cp "$DD/german.csv" g.csv
expect 0 "the setting is used when --encoding is not given" ingest g.csv
expect 2 "an encoding iconv does not know is a usage error" config set input_encoding klingon
grep_err "and says so" "unknown encoding 'klingon'"
expect 2 "//IGNORE is not an encoding name (it would drop text)" ingest --encoding 'UTF-8//IGNORE' g.csv
rm -f db

# --- not valid in its encoding: refused whole, naming encoding and option -----
expect 1 "German CSV read as UTF-8 is refused" ingest g.csv
grep_err "names file, line, encoding and option" "g.csv:2: not valid UTF-8 (byte 0xfc at offset 94); name the file's encoding with --encoding NAME or the input_encoding setting"
grep_err "says the file is refused" "file refused, nothing stored"
check "nothing of it is stored" test "$(sqlv 'SELECT count(*) FROM sessions')" = 0
check "no rejects file for a refused file" test ! -e g.csv.rejects.csv
{ printf 'patient_id;session_date;fatigue;sleep;focus;pain;therapist\r\n'
  printf 'P1;01.02.2025;1;1;1;1;Anna\r\nP1;02.02.2025;1;1;1;1;\201\r\n'; } >w.csv
expect 1 "a byte Windows-1252 does not define is refused" ingest --encoding cp1252 w.csv
grep_err "naming the encoding and the line" "w.csv:3: not valid CP1252 (byte 0x81"
check "nothing of it is stored" test "$(sqlv 'SELECT count(*) FROM sessions')" = 0

# --- bad values in a ; file: reason and the spreadsheet's line ------------------
cp "$DD/bad-semicolon.csv" bad.csv
expect 1 "a ; file with two bad values" ingest --encoding WINDOWS-1252 bad.csv
check "the good rows are stored" test "$(sqlv 'SELECT count(*) FROM sessions')" = 4
check "rejects: a decimal comma too many, line 4" grep -q "^4,\"sleep is not a score 0-10: '6,7,5'\"," bad.csv.rejects.csv
check "rejects: 31.02., line 6" grep -q "^6,session_date is not a real date DD.MM.YYYY: '31.02.2025',D01;31.02.2025;" bad.csv.rejects.csv
check "the raw record is kept in UTF-8" grep -q "Zoë Straße" bad.csv.rejects.csv

# --- dates with slashes only with --date-format ---------------------------------
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nS1,03/04/2025,1,1,1,1\n' >slash.csv
expect 1 "slash dates without --date-format are rejected" ingest slash.csv
check "with a hint" grep -q "say which order with --date-format DD/MM/YYYY or MM/DD/YYYY" slash.csv.rejects.csv
expect 0 "--date-format DD/MM/YYYY" ingest --date-format DD/MM/YYYY slash.csv
check "read day first" test "$(sqlv "SELECT date(session_date*86400,'unixepoch') FROM sessions s JOIN patients p ON p.id=s.patient WHERE p.patient_id='S1'")" = 2025-04-03
expect 2 "--date-format takes only the two orders" ingest --date-format YYYY/MM/DD slash.csv
finish
