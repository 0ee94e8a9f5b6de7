#!/bin/sh
# demo.sh - builds a database from sample-data/ and writes the sample
# clinic's statistics and reports into reports/.  Run by 'make demo'.
# git keeps only the samples a visitor reads (reports/notes/P001, P041 and
# reports/clinic, see .gitignore); the rest is a build product.
set -eu
cd "$(dirname "$0")/.."
# The sample clinic's reports are written as of one fixed day, the README
# tour's: the samples git keeps are then the same on every run, so a fresh
# clone's 'make demo' leaves 'git status' clean, and a difference in them
# means the program's output changed, not the calendar.
SYMTREND_TODAY=2026-03-12
export SYMTREND_TODAY
db=reports/demo.db
mkdir -p reports
rm -f "$db" "$db-wal" "$db-shm"
./symtrend --db "$db" init
./symtrend --db "$db" ingest --patients sample-data/patients.csv --therapists sample-data/therapists.csv \
	sample-data/sessions-*.csv
./symtrend --db "$db" stats --format csv >reports/course-stats.csv
./symtrend --db "$db" stats --clinic --format csv >reports/clinic-stats.csv
./symtrend --db "$db" stats --clinic >reports/clinic-stats.txt
if ./symtrend --help | grep -q '^  report '; then
	rm -rf reports/notes reports/clinic
	for p in $(cut -d, -f1 sample-data/patients.csv | tail -n +2); do
		./symtrend --db "$db" report note --patient "$p" --out reports/notes >/dev/null
	done
	./symtrend --db "$db" report clinic --out reports >/dev/null
fi
echo
echo "demo: written as of   $SYMTREND_TODAY (SYMTREND_TODAY, fixed for the sample clinic)"
echo "demo: database        $db"
echo "demo: course stats    reports/course-stats.csv"
echo "demo: clinic stats    reports/clinic-stats.txt (and .csv)"
[ -d reports/notes ] && echo "demo: progress notes  reports/notes/<patient>/note.txt and note.html"
[ -d reports/clinic ] && echo "demo: clinic report   reports/clinic/report.txt and report.html"
echo "demo: try             ./symtrend --db $db stats --patient P001"
