#!/bin/sh
# t0500-nightly: a week of simulated nights over the sample clinic: files
# arriving, a bad file, a duplicate file, a half-written file, a concurrent
# run, runs killed with SIGKILL and resumed, alerts said once, --dry-run.
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY

night() { # DAY: one nightly run on that day
	SYMTREND_TODAY=$1
	st nightly --inbox inbox --out rep
}
count() { sqlv 'SELECT count(*) FROM sessions'; }
old() { touch -d '10 minutes ago' "$@"; }

mkdir -p inbox
cp "$TOP"/sample-data/patients.csv .
st ingest --patients patients.csv "$TOP/sample-data/sessions-2025-h1.csv"
base=$(count)
# The second half of the year arrives as one file per month.
h2=$TOP/sample-data/sessions-2025-h2.csv
head -1 "$h2" >hdr
for m in 05 06 07 08 09 10 11 12; do
	{ cat hdr; grep ",2025-$m-" "$h2" || true; } >"month-$m.csv"
done
{ cat hdr; grep ",2026-" "$h2" || true; } >month-2026.csv
total=$(($(tail -n +2 "$h2" | wc -l) + base))

# Night 1: two files, a bad one, and one still being written.
cp month-05.csv month-06.csv inbox/ && old inbox/*.csv
printf 'patient_id,session_date,fatigue,sleep,focus,pain,mood\nX,2025-01-01,1,2,3,4,5\n' >inbox/bad.csv && old inbox/bad.csv
cp month-07.csv inbox/month-07.csv   # modified just now: still being written
SYMTREND_TODAY=2025-06-30
st nightly --inbox inbox --out rep --dry-run; rc=$?
check "--dry-run exits 1 for the bad file it would refuse" test $rc -eq 1
check "--dry-run stores and moves nothing" sh -c "test $(count) -eq $base && test -f inbox/month-05.csv && test ! -d inbox/processed"
check "--dry-run says what it would do" sh -c "grep -q '^ingest   month-05.csv (sessions)' out && grep -q '^refuse   bad.csv' out && grep -q '^wait     month-07.csv' out"
night 2025-06-30; rc=$?
check "night 1: exit 1 (a file was refused)" test $rc -eq 1
check "night 1: one summary line on stdout" test "$(wc -l <out)" -eq 1
check "night 1: stderr is empty" test ! -s err
check "night 1: handled files moved to processed/DAY" sh -c 'test -f inbox/processed/2025-06-30/month-05.csv && test -f inbox/processed/2025-06-30/month-06.csv'
check "night 1: refused file in failed/DAY beside its rejects" sh -c "test -f inbox/failed/2025-06-30/bad.csv && grep -q \"unknown column 'mood'\" inbox/failed/2025-06-30/bad.csv.rejects.csv"
check "night 1: the half-written file waits" sh -c 'test -f inbox/month-07.csv && grep -q "1 left for the next run" rep/2025-06-30/summary.txt'
m56=$(($(grep -c ',2025-0[56]-' "$h2")))
check "night 1: its sessions are stored ($m56)" test "$(count)" -eq $((base + m56))
check "night 1: summary, alerts, rejects folder" sh -c 'test -s rep/2025-06-30/summary.txt && test -s rep/2025-06-30/alerts.txt && test -f rep/2025-06-30/rejects/bad.csv.rejects.csv'
recent="SELECT patient FROM sessions GROUP BY patient HAVING max(session_date) >= julianday('2025-06-30') - 2440587.5 - 28"
check "night 1: notes only for patients with new sessions and one in the last 28 days" test "$(ls rep/2025-06-30/notes | wc -l)" -eq "$(sqlv "SELECT count(DISTINCT patient) FROM sessions WHERE file > 2 AND patient IN ($recent)")"
left=$(sqlv "SELECT count(DISTINCT patient) FROM sessions WHERE file > 2 AND patient NOT IN ($recent)")
check "night 1: every patient with new sessions had a recent one: none left" sh -c "test $left -eq 0 && ! grep -q 'with no session in the last' rep/2025-06-30/summary.txt"
check "night 1: clinic report refreshed" test -s rep/clinic/report.txt
check "night 1: outputs are 0600" test "$(mode_of rep/2025-06-30/alerts.txt)" = 600
check "night 1: log beside the database, 0600" test "$(mode_of db.log)" = 600
check "log holds no scores or notes" sh -c '! grep -qi "better\|headache\|,[0-9]\.[05]," db.log'
a1=$(grep -c '^  P' rep/2025-06-30/alerts.txt || true)

# Night 2: the waiting file is complete now; a duplicate of a processed file.
old inbox/month-07.csv
cp month-05.csv inbox/again-05.csv && old inbox/again-05.csv
head -3 month-05.csv >inbox/part-05.csv && old inbox/part-05.csv   # other bytes, rows already stored
before=$(count)
night 2025-07-31; rc=$?
check "night 2: exit 0" test $rc -eq 0
check "night 2: duplicate file moved, nothing stored twice" sh -c "test -f inbox/processed/2025-07-31/again-05.csv && test $(count) -eq $((before + $(grep -c ',2025-07-' "$h2")))"
check "night 2: only the identical file counts as already ingested" grep -q '(1 already ingested before)' rep/2025-07-31/summary.txt
check "night 2: a file of rows already stored is handled, nothing stored twice" sh -c "test -f inbox/processed/2025-07-31/part-05.csv && grep -q '^ingest   part-05.csv (sessions): 2 rows, 0 new, 2 already stored' rep/2025-07-31/summary.txt"
grep '^  P' rep/2025-06-30/alerts.txt | sort >a1
grep '^  P' rep/2025-07-31/alerts.txt | sort >a2
check "night 1 had alerts ($a1)" test "$a1" -gt 0
check "night 2: no alert of night 1 is said again" test -z "$(comm -12 a1 a2)"

# Night 3: nothing arrived.
night 2025-08-01; rc=$?
check "night 3: an empty inbox is fine" sh -c "test $rc -eq 0 && grep -q ': 0 new or changed' rep/2025-08-01/alerts.txt"

# A concurrent run: the lock is held.
cp month-08.csv inbox/ && old inbox/month-08.csv
flock db.lock sleep 5 &
holder=$!
sleep 0.5
SYMTREND_TODAY=2025-08-31 st nightly --inbox inbox --out rep; rc=$?
check "a second run while the lock is held exits 3" test $rc -eq 3
grep_err "the lock names itself" "another nightly run holds the lock"
check "the locked-out run touched nothing" test -f inbox/month-08.csv
wait $holder
night 2025-08-31
check "after the lock is free the file is handled" test -f inbox/processed/2025-08-31/month-08.csv

# Runs killed with SIGKILL at several points, then resumed: nothing lost or doubled.
# Many sessions of few patients: a long ingest, few notes.
awk 'BEGIN { print "patient_id,session_date,fatigue,sleep,focus,pain";
	for (p = 1; p <= 150; p++) for (d = 0; d < 400; d++)
		printf "K%03d,%s,%d,%d,%d,%d\n", p, strftime("%Y-%m-%d", 1500000000 + d * 86400, 1),
			(p + d) % 11, (p * d) % 11, d % 11, p % 11 }' >big.csv
bigrows=$(($(wc -l <big.csv) - 1))
expected=$(($(count) + bigrows))
for delay in 0.02 0.08 0.3 1.0; do
	cp big.csv "inbox/big-$delay.csv" && old "inbox/big-$delay.csv"
	SYMTREND_TODAY=2025-09-30 "$SYMTREND" --db "$T/db" nightly --inbox inbox --out rep >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	night 2025-09-30; rc=$?
	check "killed after ${delay}s and resumed: exit 0" test $rc -eq 0
	check "killed after ${delay}s: every session once ($expected)" test "$(count)" -eq $expected
	check "killed after ${delay}s: the file moved exactly once" sh -c "test ! -e inbox/big-$delay.csv && test \$(ls inbox/processed/2025-09-30 | grep -c '^big-$delay.csv') -eq 1"
done
check "database integrity after the kills" test "$(sqlv 'PRAGMA integrity_check')" = ok
check "no foreign key violations" test -z "$(sqlv 'PRAGMA foreign_key_check')"
check "no temporary files left in the reports" sh -c '! find rep inbox -name "*.tmp.*" | grep -q .'

# The rest of the year, one night each; then everything is there once.
for night in 09:2025-10-01 10:2025-11-01 11:2025-12-01 12:2026-01-01 2026:2026-04-01; do
	m=${night%%:*}
	cp month-$m.csv inbox/ && old inbox/month-$m.csv
	night "${night#*:}"
done
check "a week of nights: every session of the year stored once" test "$(count)" -eq $((total + bigrows))
check "inbox empty of csv files at the end" sh -c '! ls inbox/*.csv 2>/dev/null | grep -q .'

# A night killed while it writes its notes loses nothing (issue 13, items 2
# and 3): the sample clinic in 8 files, SIGKILL when the first note appears,
# then the rerun.  Every alert of an unkilled run must be in an alerts file,
# and every patient must get a note, also when the killed night was the first.
mkdir -p parts
for f in "$TOP"/sample-data/sessions-2025-h1.csv "$h2"; do
	b=$(basename "$f" .csv)
	tail -n +2 "$f" >body
	split -n l/4 body "parts/$b."
	for p in parts/$b.a?; do { cat hdr; cat "$p"; } >"$p.csv" && rm "$p"; done
done
cp "$TOP"/sample-data/patients.csv parts/
npat=$(tail -n +2 "$TOP"/sample-data/patients.csv | wc -l)
# db (DB) with inbox and out named after it; alert_window wide: every course active.
nd() { # DB DAY: one nightly on its own database
	SYMTREND_TODAY=$2 "$SYMTREND" --db "$T/$1" nightly --inbox "in-$1" --out "rep-$1" >/dev/null 2>&1
}
fill() { mkdir -p "in-$1" && cp parts/*.csv "in-$1/" && old "in-$1"/*.csv; }
killed_at_first_note() { # DB DAY
	fill "$1"
	SYMTREND_TODAY=$2 "$SYMTREND" --db "$T/$1" nightly --inbox "in-$1" --out "rep-$1" >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 3000 ] && ! ls "rep-$1/$2"/notes/*/note.txt >/dev/null 2>&1; do
		sleep 0.01; i=$((i + 1))
	done
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	check "$1: the kill landed before the run finished" test ! -e "rep-$1/$2/summary.txt"
}
keys() { cat "$@" | grep -v '^patient_id,' | cut -d, -f1-4 | sort -u; }
for db in ref kd k1; do
	"$SYMTREND" --db "$T/$db" config set alert_window 3650
done
mkdir -p in-ref in-kd && nd ref 2026-03-01 && nd kd 2026-03-01
fill ref && nd ref 2026-03-02
keys rep-ref/2026-03-02/alerts.csv >ref.keys
check "the sample clinic raises alerts of every kind ($(wc -l <ref.keys))" sh -c \
	'for k in worse relapse response_lost plateau no_response; do grep -q ",$k\$" ref.keys || exit 1; done'
killed_at_first_note kd 2026-03-02
nd kd 2026-03-02
keys rep-kd/*/alerts.csv >kd.keys
check "killed night: no alert lost on the rerun" diff ref.keys kd.keys
killed_at_first_note k1 2026-03-02
nd k1 2026-03-02
n1=$(for d in rep-k1/2026-03-02/notes/*/; do test -s "$d/note.txt" && test -s "$d/note.html" && echo "$d"; done | wc -l)
check "killed first night: every patient has a note after the rerun ($n1 of $npat)" test "$n1" -eq "$npat"
keys rep-k1/*/alerts.csv >k1.keys
check "killed first night: no alert lost on the rerun" diff ref.keys k1.keys
expect 2 "nightly needs --inbox and --out" nightly --inbox inbox

# alert_window: a note for a session exactly 28 days before the run, none
# for one 29 days before (history: its note is written on demand).
mkdir -p win/inbox
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nW1,2026-03-04,5,5,5,5\nW2,2026-03-03,5,5,5,5\n' >win/inbox/w.csv
old win/inbox/w.csv
SYMTREND_TODAY=2026-04-01 "$SYMTREND" --db win/db nightly --inbox win/inbox --out win/rep >win/out 2>&1
check "alert_window: a note for the session 28 days before, none for 29" test "$(ls win/rep/2026-04-01/notes)" = W1
check "alert_window: the summary says one patient was left for report note" grep -q "^ *1 with no session in the last 28 days.*report note" win/rep/2026-04-01/summary.txt
check "alert_window: the summary line says so too" grep -q "1 note (1 left for 'report note')" win/out
"$SYMTREND" --db win/db config set alert_window 29 >/dev/null
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nW3,2026-03-03,5,5,5,5\n' >win/inbox/w3.csv
old win/inbox/w3.csv
SYMTREND_TODAY=2026-04-01 "$SYMTREND" --db win/db nightly --inbox win/inbox --out win/rep >win/out 2>&1
check "alert_window 29: the session 29 days before gets its note" test -d win/rep/2026-04-01/notes/W3

# A therapists file in the inbox is told by its header and, like a patients
# file, taken before the sessions whatever its name (issue 12).
mkdir -p thr/inbox
printf 'patient_id,session_date,fatigue,sleep,focus,pain,therapist\nT1,2026-03-20,7,7,7,7,Ida Roth\nT1,2026-03-27,5,5,5,5,Ida Roth\n' >thr/inbox/a-sessions.csv
printf 'therapist,credentials,email\nIda Roth,certified medical massage therapist,ida.roth@example.org\n' >thr/inbox/z-staff.csv
printf 'patient_id,referrer,indication\nT1,Dr. Lind,low back pain\n' >thr/inbox/m-patients.csv
old thr/inbox/*.csv
SYMTREND_TODAY=2026-04-01 "$SYMTREND" --db thr/db nightly --inbox thr/inbox --out thr/rep >thr/out 2>&1; rc=$?
check "a therapists file in the inbox: exit 0, all three files processed" \
	sh -c "test $rc -eq 0 && test \$(ls thr/inbox/processed/2026-04-01 | wc -l) -eq 3"
check "... stored as therapists" \
	test "$(sqlite3 thr/db "SELECT credentials || ' ' || email FROM therapists WHERE name = 'Ida Roth'")" = "certified medical massage therapist ida.roth@example.org"
check "... the summary names its kind" grep -q '^ingest   z-staff.csv (therapists): 1 rows, 1 new' thr/rep/2026-04-01/summary.txt
check "... patients, then therapists, then sessions, whatever the names" \
	test "$(grep '^ingest ' thr/rep/2026-04-01/summary.txt | awk '{print $2}' | tr '\n' ' ')" = "m-patients.csv z-staff.csv a-sessions.csv "
check "... the night's letter is signed from it" \
	sh -c "grep -A3 '^With kind regards' thr/rep/2026-04-01/notes/T1/note.txt | grep -q '^certified medical massage therapist$'"
check "... a therapists file's rows are no sessions on the summary line" grep -q ', 2 sessions stored,' thr/out

# More notes than one batch holds (256): drawn batch by batch, a new
# gnuplot for each, every note with its chart, gnuplot's log gone.
mkdir -p many/inbox
{ echo 'patient_id,session_date,fatigue,sleep,focus,pain'
  i=1; while [ $i -le 258 ]; do echo "B$i,2026-03-20,7,7,7,7"; echo "B$i,2026-03-27,5,5,5,5"; i=$((i + 1)); done; } >many/inbox/b.csv
old many/inbox/b.csv
SYMTREND_TODAY=2026-04-01 "$SYMTREND" --db many/db nightly --inbox many/inbox --out many/rep >many/out 2>&1; rc=$?
check "258 notes in two batches: exit 0, every note written" sh -c "test $rc -eq 0 && test \$(ls many/rep/2026-04-01/notes | wc -l) -eq 258"
if command -v gnuplot >/dev/null 2>&1; then
	check "... every note with its chart, in both batches" test "$(ls many/rep/2026-04-01/notes/*/course.svg | wc -l)" -eq 258
else
	skip "... every note with its chart" "gnuplot is not installed"
fi
check "... gnuplot's log removed after the night" test ! -e many/rep/2026-04-01/.gnuplot.log

# Progress: on a terminal (script(1) gives it one) the notes written are
# shown; under cron (stderr not a terminal, as in every run above) nothing.
if command -v script >/dev/null 2>&1; then
	printf 'patient_id,session_date,fatigue,sleep,focus,pain\nW4,2026-03-20,5,5,5,5\n' >win/inbox/w4.csv
	old win/inbox/w4.csv
	SYMTREND_TODAY=2026-04-01 script -qec "'$SYMTREND' --db win/db nightly --inbox win/inbox --out win/rep" /dev/null >win/tty 2>&1
	check "on a terminal: progress of the notes" grep -q 'nightly: notes 1 of 1 in' win/tty
else
	skip "progress on a terminal" "script(1) is not installed"
fi
finish
