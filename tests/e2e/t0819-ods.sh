#!/bin/sh
# t0819-ods: OpenDocument spreadsheets (.ods, LibreOffice's own format) are
# read through the same zip and XML reader as .xlsx: the first visible
# sheet, date and number cells, rows and cells repeated as LibreOffice
# writes them (with the same bounds), comments not taken for text.  The
# nightly takes .ods, refuses .xls with what to do, and names every other
# file it leaves, and why, in its summary and in --dry-run.  Workbooks:
# tests/data/dialects/make-workbooks.py.
. "$(dirname "$0")/lib.sh"

DD=$DATA/dialects
export SYMTREND_TODAY=2025-12-01
mkdir -p wb
python3 "$DD/make-workbooks.py" wb 0.01 || { nok "make-workbooks.py ran"; finish; }
"$SYMTREND" --db "$T/clean.db" ingest "$DD/clean.csv" >/dev/null 2>&1
"$SYMTREND" --db "$T/clean.db" stats --format csv >"$T/clean.stats"

cp wb/clean.ods clean.ods
expect 0 "LibreOffice's .ods: the visible sheet after a hidden one" ingest clean.ods
grep_err "53 rows, none rejected" "clean.ods: 53 rows read, 53 stored, 0 already stored, 0 rejected"
st stats --format csv
check "the clean file's statistics" cmp -s "$T/clean.stats" "$T/out"
check "a comment is not the cell's text" test "$(sqlv "SELECT count(*) FROM sessions WHERE therapist LIKE '%not this%'")" = 0
check "umlauts and notes as in the CSV" test "$(sqlv "SELECT count(*) FROM sessions WHERE therapist = 'Jürgen Müller' AND notes = 'müde, aber besser'")" -gt 0
check "the workbook's hash is the file's" test "$(sqlv 'SELECT sha256 FROM files')" = "$(sha256sum clean.ods | cut -d' ' -f1)"
rm -f db

cp wb/ods-repeat.ods rep.ods
expect 1 "repeated rows and cells" ingest rep.ods
check "a row repeated 3 times is rows 2, 3 and 4" test "$(cut -d, -f1-2 rep.ods.rejects.csv | tr '\n' ' ')" = "line,reason 2,patient_id is empty 3,patient_id is empty 4,patient_id is empty 5,has a value beyond column 64 6,\"fatigue is a formula without a saved value (open and save it in the spreadsheet program): '=[.C2]+1'; sleep is TRUE/FALSE "
check "a cell repeated into 4 columns: 4 scores" grep -q '^2,patient_id is empty,",2025-01-06,5,5,5,5,,"$' rep.ods.rejects.csv
cp wb/bomb-ods-rows.ods bomb.ods
expect 1 "a row with values repeated 2^30 times" ingest bomb.ods
grep_err "refused at the rows a sheet can have" "bomb.ods:2: sheet 'S': more than 1048576 rows (repeated rows?)"
python3 -c 'import zipfile; zipfile.ZipFile("other.ods", "w").writestr("mimetype", "application/zip")'
expect 1 "a zip that is neither" ingest other.ods
grep_err "names both formats" "not an .xlsx or .ods workbook (no part xl/workbook.xml nor content.xml)"

# --- the nightly ----------------------------------------------------------------------
mkdir -p inbox
cp wb/clean.ods inbox/sessions.ods
printf '\320\317\021\340\241\261\032\341old' >inbox/old.xls
printf 'a note\n' >inbox/readme.md
printf '%%PDF-1.4\n' >inbox/scan.pdf
touch -d '10 minutes ago' inbox/*
expect 1 "--dry-run (the .xls would be refused: exit 1)" nightly --inbox inbox --out rep --dry-run
check "--dry-run lists the .ods" grep -q '^ingest   sessions.ods (sessions): 53 rows' out
check "--dry-run lists the .xls, refused with what to do" grep -q '^refuse   old.xls: .*an old .xls workbook or one with a password: save it as an Excel workbook' out
check "--dry-run names each file it leaves, and why" sh -c "grep -q '^skip     readme.md (not a .csv, .txt, .xlsx or .ods export: not read)' $T/out && grep -q '^skip     scan.pdf (not a .csv' $T/out"
expect 1 "the nightly: an .ods, an .xls, two other files" nightly --inbox inbox --out rep
check "the .ods is stored" test "$(sqlv 'SELECT count(*) FROM sessions')" = 53
check "the .xls moved to failed/ beside the advice" grep -q "save it as an Excel workbook" inbox/failed/2025-12-01/old.xls.rejects.csv
S=rep/2025-12-01/summary.txt
check "the summary names the skipped files and why" sh -c "grep -q '^skip     readme.md (not a .csv, .txt, .xlsx or .ods export: not read)' $S && grep -q '^skip     scan.pdf' $S"
check "the summary counts them" grep -q '2 skipped: not read (see below, each with why)' $S
check "the other files stay" test -e inbox/readme.md -a -e inbox/scan.pdf
finish
