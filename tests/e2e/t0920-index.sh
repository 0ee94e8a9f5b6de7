#!/bin/sh
# t0920-index: the director's morning page, OUT/index.html, as two nightly
# runs over the sample clinic write it, and as 'report index' writes it on
# demand: golden HTML, every link resolves, names only when asked,
# accessibility basics, a headless Chromium screenshot where Chromium is.
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY

mkdir -p inbox
st ingest --patients "$TOP/sample-data/patients.csv"
# Night 1 (2025-04-30): the sessions of the year so far arrive at once.
h1=$TOP/sample-data/sessions-2025-h1.csv
{ head -1 "$h1"; awk -F, 'NR > 1 && $2 <= "2025-04-30"' "$h1"; } >inbox/visits.csv
touch -d '10 minutes ago' inbox/visits.csv
SYMTREND_TODAY=2025-04-30
st nightly --inbox inbox --out rep
check "night 1 stores every row" grep -q ' 0 rejected' out
check "night 1 writes rep/index.html" test -f rep/index.html
check "and the day's copy rep/2025-04-30/index.html" test -f rep/2025-04-30/index.html
check "index.html is 0600" test "$(mode_of rep/index.html)" = 600
# The time of the run is the clock's: the golden file has HH:MM.
sed 's/run at [0-9][0-9]:[0-9][0-9]/run at HH:MM/' rep/index.html >page.html
golden "the sample clinic's page" page.html index.html

# links() PAGE: every href of PAGE that is not an anchor, resolved from its folder.
links() {
	dir=$(dirname "$1") bad=0 seen=0
	for h in $(grep -o 'href="[^"#][^"]*"' "$1" | sed 's/^href="//; s/"$//'); do
		seen=$((seen + 1))
		[ -f "$dir/$h" ] || { echo "missing: $h"; bad=1; }
	done
	echo "$seen links"
	[ "$seen" -gt 0 ] && [ $bad = 0 ]
}
check "every link on the page resolves to a file" links rep/index.html
check "every link on the day's copy resolves" links rep/2025-04-30/index.html
check "alerts link to the patient's letter" grep -q 'href="2025-04-30/notes/[^"]*/note.html"' rep/index.html
check "the alerts are grouped by kind, worse first" sh -c \
	"grep -o 'id=\"alerts-[a-z_]*\"' rep/index.html | head -1 | grep -q alerts-worse"
check "worse is a word and a mark, not only a colour" grep -q '&#9650; worse' rep/index.html
check "every table has a caption" sh -c \
	"test \$(grep -c '<table' rep/index.html) -eq \$(grep -c '<caption>' rep/index.html)"
check "every sparkline has a text alternative" sh -c \
	"test \$(grep -o '<svg' rep/index.html | wc -l) -eq \$(grep -o '<svg[^>]*aria-label=' rep/index.html | wc -l) && grep -q '<svg' rep/index.html"
check "no external assets" sh -c "! grep -Eq '(src|href)=\"(https?:)?//' rep/index.html"
check "no patient name on the page" sh -c "! tail -n +2 '$TOP/sample-data/patients.csv' | cut -d, -f5 | grep -qFf - rep/index.html"
check "the period comparison is on the page" grep -q 'This period against the previous one' rep/index.html

# Night 2, nothing new: the page links the previous day's page.
SYMTREND_TODAY=2025-05-01
st nightly --inbox inbox --out rep
check "night 2 links night 1's page" grep -q 'href="2025-04-30/index.html"' rep/index.html
check "every link still resolves" links rep/index.html

# On demand, with names when the clinic asks for them.
SYMTREND_TODAY=2025-04-30
expect 0 "report index --out DIR" report index --out rep
check "report index writes rep/index.html" grep -q 'The clinic on 2025-04-30' rep/index.html
st config set index_show_names 1
expect 0 "report index with index_show_names 1" report index --out rep
names() { # how many patients' names stand on the page
	tail -n +2 "$TOP/sample-data/patients.csv" | cut -d, -f5 | while read -r name; do
		grep -qF "$name" rep/index.html && echo "$name"
	done | wc -l
}
check "names only when index_show_names is set" test "$(names)" -gt 0
st config set index_show_names 0
expect 0 "report index --period 30" report index --out rep --period 30
check "--period changes the comparison" grep -q 'the last 30 days against the 30 before' rep/index.html
expect 2 "report index --period 0 is a usage error" report index --out rep --period 0
expect 2 "report index without --out is a usage error" report index
mkdir -p empty
SYMTREND_TODAY=2025-06-15
expect 0 "a day without a run gets a page" report index --out empty
check "which says no run today" grep -q 'No nightly run today yet' empty/index.html

chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$chrome" ]; then
	timeout 90 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T/chrome" --window-size=1200,1600 \
		--screenshot="$T/index.png" "file://$T/rep/index.html" >/dev/null 2>&1
	check "Chromium renders the page to a screenshot" test -s index.png
	cp index.png "$TOP/tests/out/index-screenshot.png" 2>/dev/null || true
else
	skip "Chromium screenshot of the morning page" "chromium is not installed (apt-get install chromium)"
fi
# Printed, what needs action ends its own page, within two A4 pages (issue 20):
# the good news starts on page 3 at the latest.
if [ -n "$chrome" ] && command -v pdfinfo >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
	timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T/chrome-pdf" --no-pdf-header-footer --print-to-pdf="$T/index.pdf" \
		"file://$T/rep/index.html" >/dev/null 2>&1
	first_good=0
	pages=$(pdfinfo "$T/index.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
	p=1
	while [ "$p" -le "${pages:-0}" ]; do
		if pdftotext -f "$p" -l "$p" "$T/index.pdf" - 2>/dev/null | grep -q 'Good news: levelled off'; then
			first_good=$p
			break
		fi
		p=$((p + 1))
	done
	check "printed, the part that needs action takes at most two A4 pages (good news on page $first_good of ${pages:-none})" \
		sh -c "test $first_good -ge 2 && test $first_good -le 3"
else
	skip "printed, the part that needs action takes at most two A4 pages" "chromium or poppler-utils not installed"
fi
# Links both ways between the morning page and the clinic report (issue 20).
check "the morning page links the clinic report" grep -q 'href="clinic/report.html">the clinic report</a>' rep/index.html
check "the clinic report links the morning page" grep -q 'href="../index.html">the morning page</a>' rep/clinic/report.html
finish
