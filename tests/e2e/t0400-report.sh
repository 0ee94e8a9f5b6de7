#!/bin/sh
# t0400-report: progress notes and the clinic report: golden text, file
# modes, charts, HTML, hostile strings never reaching gnuplot or a shell
# unescaped, gnuplot absent, and a headless Chromium screenshot.
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY=2026-01-15

cp "$TOP"/sample-data/*.csv .
# The sample sessions run to 2026-03-10: ingested on a day after that (a
# session after tomorrow is rejected), reported on the fixed date.
SYMTREND_TODAY=2026-03-31
st ingest --patients patients.csv sessions-2025-h1.csv sessions-2025-h2.csv
SYMTREND_TODAY=2026-01-15
have_gnuplot=0
command -v gnuplot >/dev/null 2>&1 && have_gnuplot=1

expect 0 "note for P001" report note --patient P001 --out rep
check "note prints its folder" test "$(cat out)" = "rep/P001"
golden "P001 progress note (text)" rep/P001/note.txt note-P001.txt
check "note text fits in 80 columns" sh -c "! awk 'length > 80' rep/P001/note.txt | grep -q ."
check "folder is 0700" test "$(mode_of rep/P001)" = 700
check "note files are 0600" sh -c 'for f in rep/P001/*; do test "$(stat -c %a "$f")" = 600 || exit 1; done'
check "no temporary files left" sh -c '! ls rep/P001 | grep -q tmp'
# The gnuplot script itself is a golden file: exactly what gnuplot is told.
cat >keep.sh <<GP
#!/bin/sh
cat >"$T/p001.gp"; exit 0
GP
chmod +x keep.sh
SYMTREND_GNUPLOT=$T/keep.sh st report note --patient P001 --out gp
# Temporary chart names carry the process's own token: the golden file has TOKEN.
sed "s/\.tmp\.[0-9]*-[0-9a-f]\{8\}'/.tmp.TOKEN'/" p001.gp >p001-token.gp
check "chart temporary names are unique to the process" sh -c "test \$(grep -c \"^set output '.*\\.tmp\\.[0-9]*-[0-9a-f]\\{8\\}'\" p001.gp) -ge 1 && ! grep \"^set output '\" p001.gp | grep -qv \"\\.tmp\\.[0-9]*-[0-9a-f]\\{8\\}'\""
golden "P001 course chart: the gnuplot script" p001-token.gp note-P001.gp
check "the expected course starts at P001's own first fatigue score (8), not the clinic mean" grep -q "^0 1 8 " p001-token.gp
expect 0 "note for a patient with two courses" report note --patient P041 --out rep
golden "P041 progress note names the earlier course and the break" rep/P041/note.txt note-P041.txt
expect 0 "note for an earlier course" report note --patient P041 --course P041-C1 --out rep2
check "--course selects the course" grep -q '^Course P041-C1: ' rep2/P041/note.txt
expect 1 "unknown patient" report note --patient NOPE --out rep
grep_err "unknown patient is named" "no sessions for patient 'NOPE'"
expect 1 "unknown course" report note --patient P001 --course X --out rep
expect 2 "note needs --patient" report note --out rep
expect 2 "report needs --out" report clinic
expect 2 "report needs note or clinic" report summary --out rep
expect 0 "clinic report" report clinic --out rep
golden "clinic report (text)" rep/clinic/report.txt clinic-report.txt
# 80 columns by display width (UTF-8: a wide character takes two, a
# combining one none): the clinic report and every patient's text note.
cat >width.py <<'PY'
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ('Mn', 'Me', 'Cf')
               else 2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in s)
assert width('Müller') == 6 and width('\u6f22\u5b57') == 4 and width('e\u0301') == 1
bad = ['%s:%d: %d columns' % (f, i, width(l)) for f in sys.argv[1:]
       for i, l in enumerate(open(f, encoding='utf-8').read().split('\n'), 1) if width(l) > 80]
print('\n'.join(bad))
sys.exit(1 if bad or len(sys.argv) < 3 else 0)
PY
check "clinic report text fits in 80 columns (display width)" python3 width.py rep/clinic/report.txt rep/clinic/report.txt
for p in $(cut -d, -f1 patients.csv | tail -n +2); do
	SYMTREND_GNUPLOT=/nonexistent st report note --patient "$p" --out all || echo "$p" >>all-failed
done
check "a note for every sample patient" test ! -e all-failed
check "every sample patient's text note fits in 80 columns (display width)" sh -c 'python3 width.py all/*/note.txt'
expect 0 "clinic report for a window" report clinic --out rep --from 2025-06-01 --to 2025-12-31
check "window report has its own folder" grep -q 'on or after 2025-06-01 and on or before 2025-12-31' rep/clinic-2025-06-01-2025-12-31/report.txt
check "window report fits in 80 columns (display width)" python3 width.py rep/clinic-2025-06-01-2025-12-31/report.txt rep/clinic/report.txt
# The HTML's two long tables, written row by row from the builder's scratch
# files after the text read them: the text's courses, every one, in order.
cat >lists_check.py <<'PY'
import re
txt = open('rep/clinic/report.txt').read().split('\n\n')
html = open('rep/clinic/report.html').read()
def listed(head):
    part = next(p for p in txt if p.startswith(head))
    return [a + ' ' + b for a, b in re.findall(r'(?m)^  (P\d+) (P\d+-C\d+)[: ]', part)]
def table(head):
    part = html.split(head, 1)[1].split('</table>', 1)[0]
    return [a + ' ' + b for a, b in re.findall(r'<tr><td>([^<]*)</td><td>([^<]*)</td>', part)]
worse, nonresp = listed('Courses that got worse'), listed('No response on any measure')
assert len(worse) == 10 and len(nonresp) == 22, (worse, nonresp)
assert worse[0] == 'P007 P007-C1' and nonresp[0] == 'P002 P002-C1', (worse, nonresp)
assert table('<h2>Courses that got worse') == worse, (table('<h2>Courses that got worse'), worse)
assert table('<h2>No response after') == nonresp, (table('<h2>No response after'), nonresp)
PY
check "clinic HTML lists the text's worse and no-response courses, all, in order" python3 lists_check.py

# What the clinic report says about its own figures, checked against the
# data: the patients behind the courses (from the per-course statistics),
# the model the fair comparison used (from 'model --by indication'), and the
# responders' denominators (the text's, the HTML's).
st stats --format csv; cp out course-stats.csv
st model --by indication --format json; cp out models.json
cat >claims_check.py <<'PY'
import csv, collections, json, re, sys
rep = sys.argv[1]
txt = open(rep + '/report.txt').read()
flat = ' '.join(txt.split())
html = open(rep + '/report.html').read()
what = sys.argv[2]
if what == 'patients':
    courses = {(r['patient_id'], r['course_id']) for r in csv.DictReader(open('course-stats.csv'))}
    k = collections.Counter(p for p, _ in courses)
    want = ('%d courses from %d patients (%d patients with more than one course); the tests '
            'and intervals treat courses as independent.'
            % (len(courses), len(k), sum(v > 1 for v in k.values())))
    assert want.startswith('74 courses from 60 patients (14 patients'), want
    assert want in flat and want in html, want
elif what == 'model':
    own = sorted({r['group'] for r in json.load(open(sys.argv[3]))
                  if r['group'] and r['courses'] >= 20 and r['converged']})
    if own:
        want = ("from the change expected by an indication's own model where it has one (%s), "
                "else by the whole clinic's model, adjusted for baseline" % ', '.join(own))
    else:
        want = ("from the change expected by the whole clinic's model (no indication has a "
                "model of its own, which needs 20 courses, so indication is not adjusted for), "
                "adjusted for baseline")
    assert want in flat and want.replace("'", '&#39;') in html, (want, flat[:3000])
    assert 'expected for the indication' not in flat and 'for their indication' not in html
elif what == 'rates':
    t = re.findall(r'(?m)^    \S+ +\d+  \S+ \(\S+ to \S+\)  (\d+/\d+) (\d+)% \(', txt)
    h = re.findall(r'<td class="n">(\d+/\d+) = (\d+)%', html)
    measures = len(re.findall(r'(?m)^Measure   Courses', txt))
    assert len(t) == 4 * (10) and t == h[4:], (len(t), t[:3], h[:7])
    assert ('0/3', '0') in t, t  # low back pain's focus: 0 of 3 eligible, not of its 9 courses
PY
check "clinic report: courses from how many patients, from the data" python3 claims_check.py rep/clinic patients
check "clinic report: the fair comparison names the model it used (no indication has 20 courses)" python3 claims_check.py rep/clinic model models.json
check "clinic report: the text's responders by group have the HTML's denominators" python3 claims_check.py rep/clinic rates
# Neck pain's courses counted as low back pain: 23 courses, its own model.
sed 's/,neck pain,/,low back pain,/' patients.csv >patients-merged.csv
SYMTREND_TODAY=2026-03-31 "$SYMTREND" --db "$T/db2" ingest --patients patients-merged.csv sessions-2025-h1.csv sessions-2025-h2.csv >/dev/null 2>&1
"$SYMTREND" --db "$T/db2" model --by indication --format json >models2.json 2>/dev/null
"$SYMTREND" --db "$T/db2" report clinic --out rep2 >/dev/null 2>&1
check "an indication with 20 courses: its own model, named (the others: the clinic's)" sh -c "python3 claims_check.py rep2/clinic model models2.json && grep -q '\"low back pain\"' models2.json && python3 width.py rep2/clinic/report.txt rep2/clinic/report.txt"

if [ $have_gnuplot = 1 ]; then
	check "course chart: SVG only, non-empty" sh -c 'test -s rep/P001/course.svg && test ! -e rep/P001/course.png'
	for c in means waterfall rates-therapist rates-indication km; do
		check "clinic chart $c: SVG only, non-empty" sh -c "test -s rep/clinic/$c.svg && test ! -e rep/clinic/$c.png"
	done
	# The KM chart's numbers at risk are the text report's, row by row, and
	# each curve has its censoring marks ('+', gnuplot's point 0) in its colour.
	cat >km_check.py <<'PY'
import re, sys
svg = open('rep/clinic/km.svg').read()
txt = open('rep/clinic/report.txt').read().split('\n')
head = next(i for i, l in enumerate(txt) if l.startswith('  session  '))
ticks = txt[head].split()[1:]
rows = {}
for l in txt[head + 1:]:
    if not l.startswith('  ') or len(l.split()) != len(ticks) + 1:
        break
    rows[l.split()[0]] = l.split()[1:]
assert ticks[:3] == ['0', '5', '10'] and len(rows) == 4, (ticks, rows)
texts = [t.strip() for t in re.findall(r'<text>([^<]*)</text>', svg)]
at = texts.index('number at risk')
for name, nums in rows.items():
    i = texts.index(name, at)
    assert texts[i + 1:i + 1 + len(nums)] == nums, (name, nums, texts[i:i + 12])
    # the row's colour is its curve's; the curve has '+' marks in it
    colour = re.search(r'fill="(rgb\([^)]*\))"[^>]*>\s*<text>' + name + '</text>', svg).group(1)
    rgb = tuple(int(x) for x in re.findall(r'\d+', colour))
    marks = [m for m in re.findall(r"<use xlink:href='#gpPt0' [^>]*color='rgb\(([^)]*)\)'", svg)
             if tuple(int(x) for x in m.split(',')) == rgb]
    assert len(marks) >= 2, (name, rgb, len(marks))
assert 'censored (last score, no response)' in texts
PY
	check "KM chart: numbers at risk under the axis, the text report's; censoring marks per curve" python3 km_check.py
	check "KM chart stays small (under 60 KB)" test "$(stat -c %s rep/clinic/km.svg)" -lt 61440
	expect 0 "--png: the note's chart also as PNG" report note --patient P001 --out png --png
	check "course chart with --png: SVG and PNG, non-empty" sh -c 'test -s png/P001/course.svg && test -s png/P001/course.png'
	check "PNG files are PNG" sh -c 'head -c 8 png/P001/course.png | od -An -c | grep -q "P   N   G"'
	expect 0 "--png: the clinic's charts also as PNG" report clinic --out png --png
	for c in means waterfall rates-therapist rates-indication km; do
		check "clinic chart $c with --png: SVG and PNG, non-empty" sh -c "test -s png/clinic/$c.svg && test -s png/clinic/$c.png"
	done
	check "note HTML has the chart inline" sh -c "grep -q '<figure><svg viewBox=' rep/P001/note.html && ! grep -q 'data:image' rep/P001/note.html"
else
	skip "charts" "gnuplot is not installed"
fi
check "HTML parses, no script element" python3 -c "
import html.parser, sys
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, a):
        assert tag != 'script', 'script element'
for f in ['rep/P001/note.html', 'rep/clinic/report.html']:
    P().feed(open(f).read())"

# --- gnuplot missing: said once, text and HTML still written ----------------
SYMTREND_GNUPLOT=/nonexistent/gnuplot expect 0 "without gnuplot the note is still written" report note --patient P001 --out nog
check "without gnuplot: said once on stderr" test "$(grep -c 'gnuplot is not installed' err)" = 1
check "without gnuplot: text and HTML, no chart" sh -c 'test -s nog/P001/note.txt && grep -q "Chart not available" nog/P001/note.html && test ! -e nog/P001/course.svg'

# --- hostile strings -----------------------------------------------------------
cat >hostile.csv <<'CSV'
patient_id,session_date,fatigue,sleep,focus,pain,therapist,notes
"X'; system(""touch PWNED1"") #",2025-01-01,8,7,6,5,"`touch PWNED2`","<script>alert(1)</script>"
"X'; system(""touch PWNED1"") #",2025-01-04,7,7,6,5,"`touch PWNED2`",
"$(touch PWNED3)",2025-01-01,8,7,6,5,@x,"=cmd|' /C calc'!A0"
"$(touch PWNED3)",2025-01-05,6,6,6,5,@x,
"<b>Q&A</b> ""quoted""",2025-01-01,8,7,6,5,"Dr. ""Who"" & <i>co</i>",
"<b>Q&A</b> ""quoted""",2025-01-05,6,6,6,5,"Dr. ""Who"" & <i>co</i>",
CSV
printf 'patient_id,referrer,indication\n"$(touch PWNED5)","`touch PWNED6`","x'"'"'); system(""touch PWNED7"")"\n' >hp.csv
expect 0 "hostile strings are valid input" ingest --patients hp.csv hostile.csv
# A gnuplot stand-in that keeps the script it is given, then draws it.
cat >gp.sh <<GP
#!/bin/sh
tee -a "$T/script.gp" | $(command -v gnuplot || echo cat)
GP
chmod +x gp.sh
for id in "X'; system(\"touch PWNED1\") #" '$(touch PWNED3)' '<b>Q&A</b> "quoted"'; do
	SYMTREND_GNUPLOT=$T/gp.sh st report note --patient "$id" --out hout
done
SYMTREND_GNUPLOT=$T/gp.sh expect 0 "clinic report over hostile names" report clinic --out hout
check "no command ran (gnuplot, shell)" sh -c '! ls PWNED* hout/*/PWNED* 2>/dev/null | grep -q .'
check "ids reach gnuplot only inside single quotes, quote doubled" grep -q "'Course X''; system(\"touch PWNED1\") #-C1: scores" script.gp
# In a single-quoted string gnuplot substitutes nothing: a backquote or @
# may reach it there (shown as given), never outside one.
sed "s/'[^']*'//g" script.gp >unquoted.gp
check "no backquote or @ reaches gnuplot outside a single-quoted string" sh -c '! grep -q "[\`@]" unquoted.gp'
check "inside one they reach it as given" sh -c "grep -q \"'\\\`touch PWNED2\\\`'\" script.gp && grep -q \"'@x'\" script.gp"
check "hostile ids get safe folder names" sh -c 'ls hout | grep -q "^X_*system__touch_PWNED1_*-[0-9a-f]\{8\}$"'
check "HTML shows markup from the CSV as text" sh -c 'grep -q "&lt;b&gt;Q&amp;A&lt;/b&gt; &quot;quoted&quot;" hout/_b_Q_A__b___quoted_-*/note.html'
st stats --format csv
check "CSV export: formula-like cells cannot run in a spreadsheet" sh -c "grep -q '^\"\\\$(touch PWNED3)\"' out || grep -q '^\\\$(touch PWNED3),' out"
st stats --format json
check "JSON with hostile strings stays valid" python3 -c "import json; d=json.load(open('out')); assert any('system(' in r['patient_id'] for r in d)"

# A course of more than 512 sessions keeps its expected-course line (it was cut).
python3 -c "
import datetime
d = datetime.date(2023, 1, 1)
print('patient_id,session_date,fatigue,sleep,focus,pain')
for i in range(600):
    y = 3 + 5 * 0.995 ** i
    print('L600,%s,%.1f,%.1f,%.1f,%.1f' % (d + datetime.timedelta(days=i), y, y, y, y))
" >long.csv
st ingest long.csv
SYMTREND_GNUPLOT=/nonexistent expect 0 "note for a course of 600 sessions" report note --patient L600 --out long
check "600 sessions: the note compares with the expected course" sh -c "grep -A4 '^Fatigue$' long/L600/note.txt | grep -q 'the expected course'"

# --- headless Chromium --------------------------------------------------------
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$chrome" ] && [ $have_gnuplot = 1 ]; then
	timeout 90 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T/chrome" --window-size=1000,1400 \
		--screenshot="$T/note.png" "file://$T/rep/P001/note.html" >/dev/null 2>&1
	check "Chromium renders the note to a screenshot" test -s note.png
	cp note.png "$TOP/tests/out/note-P001-screenshot.png" 2>/dev/null || true
else
	skip "Chromium screenshot of the note" "chromium is not installed (apt-get install chromium)"
fi
finish
