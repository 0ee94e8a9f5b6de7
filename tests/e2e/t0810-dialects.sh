#!/bin/sh
# t0810-dialects: the files spreadsheets write (German Excel CSV in
# Windows-1252, Excel's UTF-16 "Unicode Text", padded headers, .xlsx
# workbooks from openpyxl and by hand, 1900 and 1904 dates) give exactly
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
same_stats "openpyxl workbook (date cells, shared strings, second sheet ignored)" xlsx.db "$DD/scores.xlsx"
same_stats "workbook in the 1904 date system" mac.db "$DD/mac1904.xlsx"
same_stats "workbook with inline strings, t=str, custom date format, no cell refs" inline.db "$DD/inline.xlsx"
check "the workbook's hash is the file's" test "$(sqlite3 "$T/xlsx.db" 'SELECT sha256 FROM files')" = "$(sha256sum "$DD/scores.xlsx" | cut -d' ' -f1)"

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

# --- bad values in a workbook: reason and the sheet's row number -------------------
rm -f db
cp "$DD/bad.xlsx" bad.xlsx
expect 1 "a workbook with four bad cells" ingest bad.xlsx
grep_err "shown with file:row: reason" "^symtrend: bad.xlsx:3: fatigue is the spreadsheet error '#N/A'"
check "rejects: #N/A, row 3, the row as read" grep -q "^3,fatigue is the spreadsheet error '#N/A',\"D01,2025-01-10,#N/A,6.875,6,5,Anna Berg,Schlaf; unruhig\"" bad.xlsx.rejects.csv
check "rejects: a boolean is not a score, row 4" grep -q "^4,\"sleep is TRUE/FALSE, not a score: 'TRUE'\"," bad.xlsx.rejects.csv
check "rejects: 11 out of range, row 5" grep -q "^5,focus is out of range 0-10: '11'," bad.xlsx.rejects.csv
check "rejects: #DIV/0!, row 6" grep -q "^6,pain is the spreadsheet error '#DIV/0!'," bad.xlsx.rejects.csv
check "the good rows of the workbook are stored" test "$(sqlv 'SELECT count(*) FROM sessions')" = 2
check "rejects file is mode 0600" test "$(mode_of bad.xlsx.rejects.csv)" = 600
cp "$DD/hostile-bomb.xlsx" bomb.xlsx
expect 1 "a zip bomb is refused" ingest bomb.xlsx
grep_err "with the part and its size" "xl/workbook.xml is 17 MB uncompressed, more than the 16 MB read (a zip bomb?)"
printf '\320\317\021\340\241\261\032\341 rest of a compound file' >old.xls
expect 1 "an old .xls (or a password-protected workbook) is refused" ingest old.xls
grep_err "with what to do" "old.xls: an old .xls workbook or one with a password: save it as an Excel workbook (.xlsx)"
cp "$DD/hostile-notzip.xlsx" notzip.xlsx
expect 1 "a broken zip is refused" ingest notzip.xlsx
grep_err "as not a workbook" "not a readable .xlsx workbook"
rm -f db

# --- nightly: .xlsx and .txt exports, input_encoding --------------------------------
mkdir -p inbox
cp "$DD/scores.xlsx" "$DD/unicode.txt" inbox/
cp "$DD/german.csv" inbox/GERMAN.CSV
printf 'not a session file\n' >inbox/readme.md
touch -d '10 minutes ago' inbox/*
expect 0 "input_encoding for the nightly run" config set input_encoding WINDOWS-1252
SYMTREND_TODAY=2025-12-01 st nightly --inbox inbox --out rep; rc=$?
if [ "$rc" -eq 0 ]; then ok "nightly with a workbook, Unicode Text and a German CSV"; else nok "nightly exit $rc" "$(cat "$T/err")"; fi
check "all three were ingested" test "$(sqlv 'SELECT count(*) FROM files')" = 3
check "the sessions once" test "$(sqlv 'SELECT count(*) FROM sessions')" = 53
check "processed, not failed" test -e inbox/processed/2025-12-01/scores.xlsx -a -e inbox/processed/2025-12-01/unicode.txt -a -e inbox/processed/2025-12-01/GERMAN.CSV -a ! -e inbox/failed
check "other files are left alone" test -e inbox/readme.md
rm -f db

# --- template ---------------------------------------------------------------------
expect 0 "template --out FILE.xlsx" template --out tpl.xlsx
check "the template is mode 0600" test "$(mode_of tpl.xlsx)" = 600
python3 -c '
import sys, zipfile
z = zipfile.ZipFile("tpl.xlsx")
s = z.read("xl/worksheets/sheet1.xml").decode()
wb = z.read("xl/workbook.xml").decode()
print(s.count("<dataValidation type=\"decimal\""), s.count("<formula1>0</formula1><formula2>10</formula2>"),
      s.count("<dataValidation type=\"date\""), s.count("promptTitle="), s.count("<dataValidation "),
      wb.count("<sheet "), "Columns" in wb)
' >tpl.check 2>&1
check "scores 0-10 (4), a date column, a message on every column, a second sheet" test "$(cat tpl.check)" = "4 4 1 11 11 2 True"
expect 0 "the empty template ingests (its header is right)" ingest tpl.xlsx
grep_err "with no rows" "tpl.xlsx: 0 rows read"
expect 0 "template --out FILE.csv" template --out tpl.csv --measure dizziness
check "the CSV header, with the extra measure" test "$(cat tpl.csv)" = "patient_id,session_date,course_id,therapist,fatigue,sleep,focus,pain,dizziness,attendance,adverse_event,notes"
check "the CSV template is mode 0600" test "$(mode_of tpl.csv)" = 600
expect 2 "template --out needs .xlsx or .csv" template --out tpl.txt
expect 2 "template needs --out" template

# --- dates with slashes only with --date-format ---------------------------------
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nS1,03/04/2025,1,1,1,1\n' >slash.csv
expect 1 "slash dates without --date-format are rejected" ingest slash.csv
check "with a hint" grep -q "say which order with --date-format DD/MM/YYYY or MM/DD/YYYY" slash.csv.rejects.csv
expect 0 "--date-format DD/MM/YYYY" ingest --date-format DD/MM/YYYY slash.csv
check "read day first" test "$(sqlv "SELECT date(session_date*86400,'unixepoch') FROM sessions s JOIN patients p ON p.id=s.patient WHERE p.patient_id='S1'")" = 2025-04-03
expect 2 "--date-format takes only the two orders" ingest --date-format YYYY/MM/DD slash.csv
finish
