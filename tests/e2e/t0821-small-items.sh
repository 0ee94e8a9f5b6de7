#!/bin/sh
# t0821-small-items: the smaller findings of issue 21, each at its edge:
# a bidirectional control in --comment or --recommendation is refused as
# it is in ids and names; a CR alone inside a row (two rows run together)
# is said in the row's reason; the text letter keeps to 80 columns with a
# long URL and CJK text (display width, not characters).
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY=2026-11-25

S=$TOP/sample-data
st ingest --patients "$S/patients.csv" --therapists "$S/therapists.csv" "$S"/sessions-2025-h*.csv

# --- bidi controls --------------------------------------------------------------------
rlo=$(printf '\342\200\256')  # U+202E RIGHT-TO-LEFT OVERRIDE
expect 2 "a bidi override in --comment" report note --patient P001 --out b1 --comment "dose ${rlo}01 gm"
grep_err "refused naming the character" "the comment has a bidirectional control character (U+202E)"
check "no letter written" test ! -e b1/P001/note.txt
expect 2 "a bidi isolate in --recommendation" report note --patient P001 --out b2 --recommendation "continue $(printf '\342\201\246')x"
grep_err "refused naming the character" "the recommendation has a bidirectional control character (U+2066)"
printf 'Line one.\nStill %sfine?\n' "$rlo" >bidi.txt
expect 2 "... and in --comment-file" report note --patient P001 --out b3 --comment-file bidi.txt
expect 0 "a comment in Arabic script, no controls, is fine" report note --patient P001 --out b4 --comment "$(printf '\330\264\331\203\330\261\330\247\331\213')"

# --- a CR alone ---------------------------------------------------------------------------
printf 'patient_id,session_date,fatigue,sleep,focus,pain\r\nC1,2025-01-02,5,5,5,5\rC1,2025-01-03,4,4,4,4\r\nC1,2025-01-04,3,3,3,3\r\n' >cr.csv
expect 1 "two rows run together by a CR alone" ingest cr.csv
grep_err "the reason says so" "cr.csv:2: has 12 fields, the header has 6 (a CR alone ends a line inside this row: two rows run together? save the file with LF or CRLF line endings)"
printf 'patient_id,session_date,fatigue,sleep,focus,pain,notes\nC2,2025-01-02,5,5,5,x,"a\rb"\n' >crq.csv
expect 1 "a CR inside quotes is text" ingest crq.csv
check "no CR hint then" sh -c "! grep -q 'CR alone' $T/err"

# --- the text letter in 80 columns ---------------------------------------------------------
url="https://example.org/$(printf 'a%.0s' $(seq 1 120))"
cjk=$(printf '\346\227\245\346\234\254\350\252\236%.0s' $(seq 1 40))  # 120 wide characters
expect 0 "a letter with a 140-character URL and 120 CJK characters" report note --patient P001 --out w --comment "See $url and $cjk end."
python3 - w/P001/note.txt >width.txt <<'PY'
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
print(max(w(l) for l in lines), sum(l.count("\u65e5") for l in lines), "".join(lines).count("a" * 120))
PY
check "no line wider than 80 columns" test "$(cut -d' ' -f1 width.txt)" -le 80
check "every CJK character kept" test "$(cut -d' ' -f2 width.txt)" = 40
check "the URL whole when its lines are joined" test "$(cut -d' ' -f3 width.txt)" = 1
# CJK names: a therapist, a referrer and a patient's name of 60 wide characters
cjk60=$(printf '\346\227\245\346\234\254\350\252\236%.0s' $(seq 1 20))
printf 'patient_id,session_date,fatigue,sleep,focus,pain,therapist\nJ1,2025-01-02,8,8,8,8,%s\nJ1,2025-01-09,7,7,7,7,%s\nJ1,2025-01-16,6,6,6,6,%s\n' "$cjk60" "$cjk60" "$cjk60" >cjk.csv
printf 'patient_id,referrer,indication,name\nJ1,Dr. %s,%s fatigue,%s\n' "$cjk60" "$cjk60" "$cjk60" >cjkp.csv
st ingest --patients cjkp.csv cjk.csv
expect 0 "a letter whose therapist, referrer and patient have 60 CJK characters" report note --patient J1 --out wj
python3 - wj/J1/note.txt >widthj.txt <<'PY'
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)
print(max(w(l) for l in open(sys.argv[1], encoding="utf-8").read().split("\n")))
PY
check "no line wider than 80 columns" test "$(cat widthj.txt)" -le 80
finish
