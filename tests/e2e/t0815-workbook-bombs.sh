#!/bin/sh
# t0815-workbook-bombs: workbooks of a few kilobytes that would take the
# server (tests/data/dialects/make-workbooks.py builds them here): a shared
# string over the cell limit, a cell written again and again, XML that
# never completes a token, shared strings repeated into gigabytes, a zip
# with a huge directory.  Each is rejected with its reason, in bounded
# memory (the maximum resident size is checked in the optimised build), and
# in the nightly a refused one leaves the inbox so the files behind it are
# read.
. "$(dirname "$0")/lib.sh"

DD=$DATA/dialects
export SYMTREND_TODAY=2025-12-01
B=$T/bombs
mkdir -p "$B"
big=
[ "${VARIANT:-build}" = build ] && big=--big
python3 "$DD/make-workbooks.py" "$B" 1 $big || { nok "make-workbooks.py ran"; finish; }

# rss DESC LIMIT_MB ARGS...: symtrend ARGS in its own process; its maximum
# resident size is at most LIMIT_MB (under the sanitizers: skipped, their
# shadow memory is counted too).  Output in $T/out, $T/err.
rss() {
	desc=$1 limit=$2; shift 2
	kb=$(python3 -c '
import resource, subprocess, sys
with open(sys.argv[1], "w") as o, open(sys.argv[2], "w") as e:
    subprocess.run(sys.argv[3:], stdout=o, stderr=e)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$T/out" "$T/err" "$SYMTREND" --db "$T/db" "$@")
	if [ "${VARIANT:-build}" != build ]; then skip "$desc" "resident size under the sanitizers"; return; fi
	echo "# $desc: $((kb / 1024)) MB resident"
	if [ "$kb" -le $((limit * 1024)) ]; then ok "$desc"; else nok "$desc" "$((kb / 1024)) MB resident"; fi
}

# --- shared strings under the cell limit ----------------------------------------------
cp "$B/bomb-sst-cell.xlsx" sst.xlsx
expect 1 "a 1 MB shared string in a cell" ingest sst.xlsx
grep_err "its row is rejected: a cell over the limit" "sst.xlsx:2: a cell is longer than 131072 bytes"
check "the rejects file holds 128 KB of it, not 1 MB" test "$(stat -c %s sst.xlsx.rejects.csv)" -lt 140000
cp "$B/ok-sst-edge.xlsx" edge.xlsx
expect 1 "shared strings of 131072 and 131073 bytes" ingest edge.xlsx
grep_err "131072 bytes is whole: the notes rule speaks" "edge.xlsx:2: notes are longer than 10000 bytes"
grep_err "131073 bytes is a cut cell" "edge.xlsx:3: a cell is longer than 131072 bytes"
cp "$B/long-text.xlsx" long.xlsx
expect 1 "a 10 MB inline text" ingest long.xlsx
grep_err "a cut cell, not an XML bomb" "long.xlsx:2: a cell is longer than 131072 bytes"

cp "$B/sst-total-ok.xlsx" total-ok.xlsx
expect 1 "511 shared strings of 128 KB are read" ingest total-ok.xlsx
grep_err "read: the row's own reason" "total-ok.xlsx:2: notes are longer than 10000 bytes"
cp "$B/bomb-sst-total.xlsx" total.xlsx
expect 1 "512 shared strings of 128 KB" ingest total.xlsx
grep_err "refused: over 64 MB in all" "total.xlsx: xl/sharedStrings.xml: shared strings larger than 64 MB"

# --- a cell written twice ----------------------------------------------------------------
cp "$B/bomb-dup-ref.xlsx" dup.xlsx
rss "100 cells H2 of a 3 MB string: bounded memory" 64 ingest dup.xlsx
grep_err "refused: two cells at one place" "dup.xlsx:2: sheet 'S': damaged workbook: the row has two cells in column H"
grep_err "refused whole" "file refused, nothing stored"
check "nothing stored" test "$(sqlv 'SELECT count(*) FROM sessions')" = 0
cp "$B/dup-ref-small.xlsx" dup2.xlsx
expect 1 "A2 twice" ingest dup2.xlsx
grep_err "refused naming the column" "dup2.xlsx:2: sheet 'S': damaged workbook: the row has two cells in column A"

# --- XML that never completes a token -----------------------------------------------------
cp "$B/bomb-token-attr.xlsx" attr.xlsx
expect 1 "an 8 MB attribute" ingest attr.xlsx
grep_err "refused: no complete token in 4 MB" "attr.xlsx:2: sheet 'S': more than 4 MB of XML without a complete tag or text"
cp "$B/bomb-token-sst.xlsx" comment.xlsx
expect 1 "an 8 MB comment in the shared strings" ingest comment.xlsx
grep_err "refused, naming the part" "comment.xlsx: xl/sharedStrings.xml: more than 4 MB of XML without a complete tag or text"
cp "$B/token-edge-ok.xlsx" tok-ok.xlsx
expect 1 "an attribute of 4 MB - 64 KB is read (its row lacks a date)" ingest tok-ok.xlsx
grep_err "read: the row's own reason" "tok-ok.xlsx:2: session_date is empty"
cp "$B/bomb-token-edge.xlsx" tok.xlsx
expect 1 "an attribute of 4 MB + 64 KB + 1" ingest tok.xlsx
grep_err "refused" "tok.xlsx:2: sheet 'S': more than 4 MB of XML without a complete tag or text"

# --- shared strings repeated into gigabytes -----------------------------------------------
cp "$B/bomb-expand.xlsx" expand.xlsx
expect 1 "1,200 uses of a 120 KB shared string (144 MB)" ingest expand.xlsx
grep_err "refused at 128 MB" "expand.xlsx:[0-9]*: sheet 'S': shared strings used for more than 128 MB of text (a bomb?)"
check "no rejects file left of a refused file" test ! -e expand.xlsx.rejects.csv

# --- the file's size bounds the zip directory ----------------------------------------------
# size.xlsx: a readable workbook padded with a stored entry to exactly N bytes.
pad_to() {
	python3 - "$B/dup-ref-small.xlsx" "$1" "$2" <<'EOF'
import os, sys, zipfile
src, out, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
def build(n):
    with zipfile.ZipFile(src) as s, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in s.namelist():
            z.writestr(name, s.read(name))
        z.writestr("pad", b"\0" * n, zipfile.ZIP_STORED)
    return os.path.getsize(out)
build(want - build(0) )
assert os.path.getsize(out) == want
EOF
}
pad_to at-cap.xlsx $((16 * 1024 * 1024))
expect 1 "a workbook of exactly 16 MB is read" ingest at-cap.xlsx
grep_err "read (its sheet's own reason)" "at-cap.xlsx:2: sheet 'S': damaged workbook: the row has two cells in column A"
pad_to over-cap.xlsx $((16 * 1024 * 1024 + 1))
expect 1 "a workbook of 16 MB + 1 byte is refused" ingest over-cap.xlsx
grep_err "with its reason" "over-cap.xlsx: workbook larger than 16 MB (save the sheet as CSV)"

# --- the most a workbook may make an ingest hold -------------------------------------------
if [ -n "$big" ]; then
	cp "$B/big-sst.xlsx" big.xlsx
	rss "60 MB of shared strings, 64 cells of 120 KB, 16 MB of zip entries: <= 256 MB" 256 ingest big.xlsx
	grep_err "read to the end" "big.xlsx: 1 rows read"
else
	skip "60 MB of shared strings: <= 256 MB" "built in the optimised run only"
	skip "read to the end" "built in the optimised run only"
fi
rm -f db

# --- the nightly: a refused bomb leaves the inbox ------------------------------------------
mkdir -p inbox
cp "$B/bomb-dup-ref.xlsx" inbox/a-dup.xlsx
cp "$B/bomb-token-attr.xlsx" inbox/b-attr.xlsx
cp "$B/bomb-expand.xlsx" inbox/c-expand.xlsx
cp "$DD/clean.csv" inbox/z-clean.csv
touch -d '10 minutes ago' inbox/*
st nightly --inbox inbox --out rep; rc=$?
if [ "$rc" -eq 1 ]; then ok "nightly with three bombs and a good file: exit 1"; else nok "nightly exit $rc, want 1" "$(cat "$T/err")"; fi
check "the good file behind them is stored" test "$(sqlv 'SELECT count(*) FROM sessions')" = 53
check "the bombs are moved to failed/" test -e inbox/failed/2025-12-01/a-dup.xlsx -a -e inbox/failed/2025-12-01/b-attr.xlsx -a -e inbox/failed/2025-12-01/c-expand.xlsx
check "each beside the reason" grep -q "two cells in column H" inbox/failed/2025-12-01/a-dup.xlsx.rejects.csv
check "nothing left in the inbox" test -z "$(find inbox -maxdepth 1 -type f)"
st nightly --inbox inbox --out rep; rc=$?
if [ "$rc" -eq 0 ]; then ok "the next night runs clean"; else nok "next nightly exit $rc" "$(cat "$T/err")"; fi

finish
