#!/bin/sh
# t0816-cells-that-lie: workbook cells whose type says something else than
# their text: a formula without a saved value (openpyxl and other
# generators write no value) is not an empty score; a date or TRUE in an id
# or name column is not the id (Excel turns 3-12 into a date).  Each row is
# rejected with its own reason; a formula with its value, or whose value is
# the empty text, and a number id are read.  The workbook is built by
# tests/data/dialects/make-workbooks.py.
. "$(dirname "$0")/lib.sh"

export SYMTREND_TODAY=2025-12-01
mkdir -p wb
python3 "$DATA/dialects/make-workbooks.py" wb 0.01 || { nok "make-workbooks.py ran"; finish; }
cp wb/lies.xlsx lies.xlsx
expect 1 "a workbook with cells that lie" ingest lies.xlsx
grep_err "nine rows, four stored, five rejected" "lies.xlsx: 9 rows read, 4 stored, 0 already stored, 5 rejected"
grep_err "a formula with an empty value: not 'not recorded'" "lies.xlsx:3: fatigue is a formula without a saved value (open and save it in the spreadsheet program): '=A1+1'"
grep_err "a formula with no value element" "lies.xlsx:4: fatigue is a formula without a saved value (open and save it in the spreadsheet program): '=SUM(D2:D3)'"
grep_err "a date in patient_id" "lies.xlsx:6: patient_id is a date cell, not an id or a name (the spreadsheet made the text a date: format the column as text and type it again): '2025-01-21'"
grep_err "a date in course_id" "lies.xlsx:7: course_id is a date cell, not an id or a name"
grep_err "TRUE in therapist" "lies.xlsx:8: therapist is TRUE/FALSE, not an id or a name (format the column as text and type it again): 'TRUE'"
check "rejects: the formula as read (a formula prefix quoted)" grep -q "^3,.*,\"L1,L1-a,2025-01-04,\"\"'=A1+1\"\",4,Anna Berg,3,2\"" lies.xlsx.rejects.csv
check "a formula's saved value is the score" test "$(sqlv "SELECT fatigue FROM sessions WHERE line = 9")" = 2.0
check "a formula whose value is the empty text: not recorded, the row stored" test "$(sqlv "SELECT count(*) FROM sessions WHERE fatigue IS NULL")" = 1
check "a number in patient_id is the id" test "$(sqlv "SELECT count(*) FROM sessions JOIN patients p ON p.id = patient WHERE p.patient_id = '123'")" = 1
check "no date became a patient" test "$(sqlv "SELECT count(*) FROM sessions JOIN patients p ON p.id = patient WHERE p.patient_id LIKE '20%' OR label LIKE '20%' OR therapist = 'TRUE'")" = 0
finish
