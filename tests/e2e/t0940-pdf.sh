#!/bin/sh
# t0940-pdf: note.pdf beside note.txt and note.html (issue 24), checked with
# poppler's tools: every letter of the sample clinic on at most two A4 pages,
# every font embedded, the lines of IN SHORT as in note.txt, the metadata,
# the chart as vector graphics with its text at 8 pt or more, no scripts,
# forms or links; hostile text (quotes, <script>, a right-to-left mark, a
# word of 2,000 characters) stays text inside the page; the nightly run
# writes a PDF beside every note.
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY=2026-11-25

if ! command -v pdfinfo >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 ||
	! command -v pdffonts >/dev/null 2>&1; then
	skip "note.pdf checks" "poppler-utils (pdfinfo, pdffonts, pdftotext) not installed"
	finish
fi

S=$TOP/sample-data
st ingest --patients "$S/patients.csv" --therapists "$S/therapists.csv" "$S"/sessions-2025-h*.csv
st config set clinic_name "Praxis Nord - Medical Massage"
st config set clinic_address "Hafenstrasse 12, 20459 Hamburg"

# The lines of IN SHORT in note.txt (to the blank line), indents dropped.
answer_txt() { awk '/^IN SHORT$/ { on = 1; next } on && /^$/ { exit } on { sub(/^ +/, ""); print }' "$1"; }
# The same number of lines after IN SHORT in the PDF's text, then the line after them.
answer_pdf() {
	pdftotext "$1" - | awk -v n="$2" '/^IN SHORT$/ { on = 1; next } on && k < n + 1 { sub(/^ +/, ""); print; k++ }'
}

# --- 1: every letter of the sample clinic --------------------------------
pids=$(cut -d, -f1 "$S/patients.csv" | tail -n +2)
bad_pages= bad_size= bad_fonts= bad_answer= bad_meta= bad_mode= bad_active= count=0
for p in $pids; do
	st report note --patient "$p" --out rep || { nok "letter for $p" "$(cat "$T/err")"; continue; }
	f=rep/$p/note.pdf
	count=$((count + 1))
	pdfinfo "$f" >info.txt 2>&1 || { bad_pages="$bad_pages $p"; continue; }
	pages=$(awk '/^Pages:/ { print $2 }' info.txt)
	[ "${pages:-99}" -le 2 ] || bad_pages="$bad_pages $p($pages)"
	grep -q '^Page size: *595.276 x 841.89 pts (A4)' info.txt || bad_size="$bad_size $p"
	# pdffonts: two header lines, then one font a line; column 'emb' says yes
	pdffonts "$f" | awk 'NR > 2 && $(NF - 4) != "yes" { bad = 1 } NR > 2 { n++ } END { exit bad || !n }' ||
		bad_fonts="$bad_fonts $p"
	answer_txt "rep/$p/note.txt" >a.txt
	nl=$(wc -l <a.txt)
	answer_pdf "$f" "$nl" >b.txt
	# the PDF's lines are note.txt's, and the next one is the next heading
	{ head -n "$nl" b.txt | cmp -s - a.txt && [ "$nl" -ge 3 ] &&
		tail -n 1 b.txt | grep -q '^[A-Z][A-Z]'; } || bad_answer="$bad_answer $p"
	{ grep -q "^Title: *Progress note, patient $p, course " info.txt &&
		grep -q '^Author: *Praxis Nord - Medical Massage$' info.txt &&
		grep -q '^CreationDate: .* 2026 UTC$' info.txt && grep -q 'Nov 25' info.txt; } ||
		bad_meta="$bad_meta $p"
	[ "$(mode_of "$f")" = 600 ] || bad_mode="$bad_mode $p"
	{ grep -q '^JavaScript: *no$' info.txt && grep -q '^Form: *none$' info.txt &&
		! grep -a -q -e '/URI' -e '/JavaScript' -e '/JS' -e '/Launch' -e '/AcroForm' -e '/OpenAction' "$f"; } ||
		bad_active="$bad_active $p"
done
check "a note.pdf for each of the sample clinic's $count patients" test "$count" -ge 60
check "every letter fits two pages (over:${bad_pages:- none})" test -z "$bad_pages"
check "every letter is A4, 595.276 x 841.89 pt (not:${bad_size:- none})" test -z "$bad_size"
check "every font of every letter is embedded (not:${bad_fonts:- none})" test -z "$bad_fonts"
check "pdftotext gives IN SHORT as note.txt says it (differs:${bad_answer:- none})" test -z "$bad_answer"
check "Title, Author (the clinic) and CreationDate (the run date) are set (not:${bad_meta:- none})" test -z "$bad_meta"
check "every note.pdf is 0600 (not:${bad_mode:- none})" test -z "$bad_mode"
check "no script, form, action or link in any letter (found:${bad_active:- none})" test -z "$bad_active"

# --- 2: P001's letter: the date-line edge of the answer's test; the chart
answer_txt rep/P001/note.txt >a.txt
nl=$(wc -l <a.txt)
check "P001's answer has a line or more per measure ($nl)" test "$nl" -ge 4
answer_pdf rep/P001/note.pdf "$nl" >b.txt
check "P001's answer in the PDF, line for line, then THE COURSE" sh -c \
	"head -n $nl b.txt | cmp - a.txt && sed -n $((nl + 1))p b.txt | grep -q '^THE COURSE\$'"
check "the letterhead comes first, the clinic's name on top" sh -c \
	'pdftotext rep/P001/note.pdf - | head -n 1 | grep -qx "Praxis Nord - Medical Massage"'
if command -v gnuplot >/dev/null 2>&1; then
	check "the chart is vector: no image in the PDF" sh -c \
		'[ "$(pdfimages -list rep/P001/note.pdf | tail -n +3 | wc -l)" = 0 ]'
	# Text height in pdftotext's boxes is 1.163 times the size for DejaVu
	# Sans: 8 pt is 9.30.  The tick labels are the chart's smallest text.
	pdftotext -bbox rep/P001/note.pdf - |
		awk -F'"' '/<word / && $9 ~ /^>(1[0-4]|[0-9])<\/word>$/ { printf "%.2f\n", $8 - $4 }' | sort -n >ticks.txt
	check "the chart's tick labels are printed (found $(wc -l <ticks.txt))" test "$(wc -l <ticks.txt)" -ge 40
	check "the chart's smallest text is 8 pt or more (height $(head -n 1 ticks.txt))" \
		awk '{ if ($1 < 9.30) exit 1 }' ticks.txt
	check "the chart's title is in the PDF's text" sh -c \
		'pdftotext rep/P001/note.pdf - | grep -qx "Course P001-C1: scores by session (0-10, lower is better)"'
	# P041's letter has two charts; the second (the episode of care) would
	# take it to a third page: left out, and the letter says so.
	check "P041: the course chart is printed" sh -c \
		'pdftotext rep/P041/note.pdf - | grep -qx "Course P041-C2: scores by session (0-10, lower is better)"'
	check "P041: the episode chart is left out to stay on two pages, and the letter says so" sh -c \
		'pdftotext rep/P041/note.pdf - | tr "\n" " " | grep -q "Not printed here, to keep the letter on 2 pages (note.html has it): the chart \"The 2 courses since referral by date"'
else
	skip "the chart in the PDF" "gnuplot not installed"
	check "without gnuplot the PDF says there is no chart" sh -c \
		'pdftotext rep/P001/note.pdf - | grep -q "Chart not available"'
fi

# --- 3: hostile text stays text -----------------------------------------
long=$(awk 'BEGIN { while (n++ < 2000) printf "x"; }')
rtl=$(printf '\342\200\217')
expect 0 "a letter with a hostile comment" report note --patient P001 --out hostile \
	--comment "She said \"stop\" & 'go' <script>alert(1)</script> ${rtl}right-to-left ${long} end"
f=hostile/P001/note.pdf
pdftotext "$f" host.txt
check "the markup is printed as text" grep -q '<script>alert(1)</script>' host.txt
check "the quotes are printed" grep -q "She said \"stop\" & 'go'" host.txt
check "all 2,000 characters of the long word are printed" \
	test "$(grep -o 'x\{20,\}' host.txt | tr -d '\n' | wc -c)" = 2000
# The comment alone takes 27 lines: three pages, each of them A4.
check "the hostile letter's pages are A4" sh -c \
	"pdfinfo -f 1 -l 9 $f | grep '^Page *[0-9]* size:' | grep -v -q '595.276 x 841.89' && exit 1; pdfinfo $f | grep -q '^Pages: *3\$'"
# Nothing goes beyond the right margin (18 mm: x 544.3, glyph overhang aside) or off the page.
check "every word stays inside the margins" sh -c \
	"pdftotext -bbox $f - | awk -F'\"' '/<word / { if (\$6 + 0 > 545 || \$2 + 0 < 50) bad++ } END { exit bad > 0 }'"
# A right-to-left mark does not turn the line around: the words keep their order.
check "the words around the right-to-left mark stay in their order" sh -c \
	"pdftotext -bbox $f - | awk -F'\"' '/>&lt;script&gt;alert/ { x = \$2 + 0; y = \$4 } />right-to-left</ { ok = y == \$4 && \$2 + 0 > x && x > 0 } END { exit !ok }'"

# --- 4: the nightly run writes a PDF beside every note ----------------------
mkdir -p inbox
cp "$S"/sessions-2025-h*.csv inbox/ && touch -d '10 minutes ago' inbox/*.csv
"$SYMTREND" --db "$T/night.db" ingest --patients "$S/patients.csv" --therapists "$S/therapists.csv" >/dev/null 2>&1
SYMTREND_TODAY=2025-12-31 "$SYMTREND" --db "$T/night.db" nightly --inbox inbox --out night >night.out 2>&1
check "the nightly run succeeds" test -d night/2025-12-31/notes
nn=0 np=0
for d in night/2025-12-31/notes/*/; do
	[ -s "$d/note.txt" ] && nn=$((nn + 1))
	[ -s "$d/note.pdf" ] && [ -s "$d/note.txt" ] && pdfinfo "$d/note.pdf" >/dev/null 2>&1 && np=$((np + 1))
done
check "the nightly run writes a PDF beside each of its $nn notes ($np)" sh -c "[ $nn -gt 0 ] && [ $nn = $np ]"
finish
