#!/bin/sh
# t0820-template-sheets: the template never replaces a file unasked (a
# filled workbook), its id and name columns are text (00123 stays 00123);
# the first *visible* sheet of a workbook is read, and a header error names
# the sheet read.  Workbooks: tests/data/dialects/make-workbooks.py.
. "$(dirname "$0")/lib.sh"

export SYMTREND_TODAY=2025-12-01
mkdir -p wb
python3 "$DATA/dialects/make-workbooks.py" wb 0.01 || { nok "make-workbooks.py ran"; finish; }

expect 0 "template --out FILE.xlsx" template --out tpl.xlsx
cp "$DATA/dialects/scores.xlsx" filled.xlsx
sum=$(sha256sum filled.xlsx)
expect 2 "template over a filled workbook: refused" template --out filled.xlsx
grep_err "with what to do" "'filled.xlsx' exists (a filled workbook?): not replaced; --force replaces it"
check "the filled workbook is unchanged" test "$(sha256sum filled.xlsx)" = "$sum"
check "no temporary file left" test -z "$(ls | grep '\.tmp\.')"
expect 0 "--force replaces it" template --out filled.xlsx --force
# (not cmp: libxlsxwriter stamps the time into the workbook)
check "... with the template" sh -c "test \"\$(sha256sum filled.xlsx)\" != \"$sum\" && unzip -p filled.xlsx xl/sharedStrings.xml | grep -q '>patient_id<' && unzip -p filled.xlsx xl/workbook.xml | grep -q 'name=\"Columns\"'"
printf 'my,data\n' >filled.csv
expect 2 "template over a CSV: refused too" template --out filled.csv
check "the CSV is unchanged" test "$(cat filled.csv)" = "my,data"
expect 0 "template --out FILE.csv --force" template --out filled.csv --force
check "replaced by the header" grep -q '^patient_id,session_date,' filled.csv

# Which columns are formatted as text ("@", built-in format 49).
python3 - tpl.xlsx >fmt.txt <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sheet = z.read("xl/worksheets/sheet1.xml").decode()
styles = z.read("xl/styles.xml").decode()
xfs = re.findall(r"<xf [^>]*>", styles.split("<cellXfs")[1].split("</cellXfs>")[0])
head = re.findall(r'<c r="([A-Z]+)1"[^>]*t="s"', sheet)
sst = re.findall(r"<t>([^<]*)</t>", z.read("xl/sharedStrings.xml").decode())
codes = dict(re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles))
codes["49"] = "@"
text = []
for m in re.finditer(r'<col min="(\d+)" max="(\d+)"[^>]*style="(\d+)"', sheet):
    fmt = re.search(r'numFmtId="(\d+)"', xfs[int(m.group(3))])
    if fmt and codes.get(fmt.group(1)) == "@":
        text += list(range(int(m.group(1)), int(m.group(2)) + 1))
cells = re.findall(r'<c r="([A-Z]+)1"[^>]*><v>(\d+)</v>', sheet)
names = {ord(c) - 64: sst[int(v)] for c, v in cells}
print(" ".join(names[i] for i in sorted(text)))
PY
check "patient_id, course_id, therapist and the texts are text columns" test "$(cat fmt.txt)" = "patient_id course_id therapist adverse_event notes"

cp wb/hidden-first.xlsx hidden.xlsx
expect 0 "a hidden first sheet: the visible one is read" ingest hidden.xlsx
grep_err "its row" "hidden.xlsx: 1 rows read, 1 stored"
cp wb/reordered.xlsx reordered.xlsx
expect 1 "sheets reordered: the first visible one is read" ingest reordered.xlsx
grep_err "the error names the sheet read" "reordered.xlsx:1: unknown column 'Notiz' .* (in sheet 'Notizen', the first visible one)"
finish
