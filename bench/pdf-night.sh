#!/bin/sh
# pdf-night.sh BIN OUT [SESSIONS] - one nightly run of BIN for the note.pdf
# benchmark (issue 24), timed by GNU time (user, system, wall seconds and
# peak resident set on stderr).  Without SESSIONS: the sample clinic's first
# half-year in the database, its second half-year (227 sessions, 22 notes)
# in the inbox, run on 2025-12-31.  With SESSIONS: tests/gen.c's clinic of
# that many sessions (4000: 343 patients, 336 notes) arrives in one night on
# 2024-12-31.  alert_window 3650 so that every patient of the night gets a
# note.  Compare a build with PDFs against one without (the commit before).
set -eu
bin=$1 out=$2 n=${3:-}
top=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out" && mkdir -p "$out/inbox"
if [ -z "$n" ]; then
	"$bin" --db "$out/db" ingest --patients "$top/sample-data/patients.csv" \
		--therapists "$top/sample-data/therapists.csv" "$top/sample-data/sessions-2025-h1.csv" >/dev/null 2>&1 || true
	cp "$top/sample-data/sessions-2025-h2.csv" "$out/inbox/"
	day=2025-12-31
else
	"$top/build/gen" --sessions "$n" --out "$out/inbox/big.csv" --patients "$out/patients.csv"
	"$bin" --db "$out/db" ingest --patients "$out/patients.csv" >/dev/null 2>&1
	day=2024-12-31
fi
"$bin" --db "$out/db" config set alert_window 3650
touch -d '2 hours ago' "$out"/inbox/*.csv
SYMTREND_TODAY=$day /usr/bin/time -f '%U user %S sys %e wall %M KiB' \
	"$bin" --db "$out/db" nightly --inbox "$out/inbox" --out "$out/rep" >/dev/null || true
echo "$(ls "$out"/rep/$day/notes | wc -l) notes, $(ls "$out"/rep/$day/notes/*/note.pdf 2>/dev/null | wc -l) PDFs"
