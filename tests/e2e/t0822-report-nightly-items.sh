#!/bin/sh
# t0822-report-nightly-items: the smaller findings of issue 21 around
# reports and the nightly: when gnuplot is there but fails, 'report note'
# and 'report clinic' still write the text and the HTML (without charts,
# exit 3); a second nightly on the same day keeps the first one's summary;
# the nightly lock is the database's, however the path is written (a
# symbolic link); morning-page links are URL-encoded ('#', '?', '%' in an
# inbox file's name).
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY=2025-02-02

printf 'patient_id,session_date,fatigue,sleep,focus,pain\nN1,2025-01-17,9,9,9,9\nN1,2025-01-24,8,8,8,8\nN1,2025-01-31,7,7,7,7\n' >s.csv
st ingest s.csv
cat >badgp.sh <<GP
#!/bin/sh
{ cat; echo 'this is not gnuplot'; } | $(command -v gnuplot || echo false)
GP
chmod +x badgp.sh
SYMTREND_GNUPLOT=$T/badgp.sh st report note --patient N1 --out notes; rc=$?
check "report note with a failing gnuplot: exit 3" test $rc -eq 3
grep_err "said, and written again without charts" "written again without charts"
check "... the text and the HTML are written" sh -c "test -s notes/N1/note.txt && test -s notes/N1/note.html"
check "... the HTML says the chart is missing" grep -q 'Chart not available' notes/N1/note.html
SYMTREND_GNUPLOT=$T/badgp.sh st report clinic --out clin; rc=$?
check "report clinic with a failing gnuplot: exit 3" test $rc -eq 3
check "... report.txt and report.html are written" sh -c "test -s clin/clinic/report.txt && test -s clin/clinic/report.html"
rm -f db

# --- a second nightly on the same day ---------------------------------------------------
mkdir -p inbox
cp s.csv inbox/first.csv && touch -d '10 minutes ago' inbox/first.csv
expect 0 "the first nightly" nightly --inbox inbox --out rep
expect 0 "a second nightly the same day, nothing new" nightly --inbox inbox --out rep
check "the first run's summary is kept" grep -q 'files:    1 seen, 1 processed' rep/2025-02-02/summary.txt
check "the second run's is added after it" sh -c "grep -q 'files:    0 seen' rep/2025-02-02/summary.txt && grep -q '^--- a later run on the same day ---' rep/2025-02-02/summary.txt"
check "the first one first" test "$(grep -n 'seen' rep/2025-02-02/summary.txt | cut -d: -f1 | head -1)" -lt "$(grep -n '0 seen' rep/2025-02-02/summary.txt | cut -d: -f1)"

# --- the lock through a symbolic link ------------------------------------------------------
ln -s db link.db
cp s.csv inbox/second.csv && touch -d '10 minutes ago' inbox/second.csv
flock db.lock sleep 5 &
holder=$!
sleep 0.5
"$SYMTREND" --db "$T/link.db" nightly --inbox inbox --out rep >out 2>err; rc=$?
check "a run through a link to the database while the lock is held: exit 3" test $rc -eq 3
grep_err "the lock is the database's" "another nightly run holds the lock '$T/db.lock'"
check "it touched nothing" test -f inbox/second.csv
wait $holder

# --- morning-page links URL-encoded ---------------------------------------------------------
name='a#b?c%d.csv'
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nN2,2025-13-01,5,5,5,5\n' >"inbox/$name"
touch -d '10 minutes ago' "inbox/$name"
SYMTREND_TODAY=2025-02-03 st nightly --inbox inbox --out rep
check "the rejects of '$name' are linked URL-encoded" grep -q 'href="[^"]*2025-02-03/rejects/a%23b%3Fc%25d.csv.rejects.csv"' rep/index.html
check "and named as they are" grep -q 'Rejected rows: a#b?c%d.csv.rejects.csv' rep/index.html
finish
