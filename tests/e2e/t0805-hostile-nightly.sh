#!/bin/sh
# t0805-hostile-nightly: what a careless or hostile world does to the charts
# and the nightly run (issue 13 items 5, 7, 8, folders of 15): names that are
# gnuplot syntax, concurrent writers into one folder, hostile inbox names
# and links, folders with the wrong mode or a link in their place.
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY=2025-02-01
have_gnuplot=0
command -v gnuplot >/dev/null 2>&1 && have_gnuplot=1

# svg_texts FILE...: every text an SVG shows, one per line (XML decoded).
cat >texts.py <<'PY'
import sys, xml.etree.ElementTree as ET
for f in sys.argv[1:]:
    for e in ET.parse(f).iter('{http://www.w3.org/2000/svg}text'):
        print(''.join(e.itertext()))
PY
# shows NAME FILE...: some text of the SVGs is exactly NAME.
shows() { want=$1; shift; python3 texts.py "$@" | grep -qxF -- "$want"; }
no_tmp() { ! find "$@" -name '*.tmp*' | grep -q .; }

# --- 5: names that are gnuplot syntax ------------------------------------------
T1='Team 100%'
T2='O'"'"'Brien "Who" & <i>co</i> \ @x {a} ^_ %s%d'
T3='`touch PWNED1` {/Symbol a} x^2_y ~a{.8-} '"'"'q'"'"' \\ "d" and a name as long as this one'
I1='back pain (50% disability)'
I2='long covid {brain fog} & 100% @home ^_ \n <b>'
P1='P%d{x}@y^_&'
cat >s.csv <<CSV
patient_id,session_date,fatigue,sleep,focus,pain,therapist
H1,2025-01-01,8,7,6,5,$T1
H1,2025-01-08,6,6,5,4,$T1
H1,2025-01-15,5,5,4,3,$T1
H2,2025-01-01,8,7,6,5,"$(printf '%s' "$T2" | sed 's/"/""/g')"
H2,2025-01-08,7,6,5,4,"$(printf '%s' "$T2" | sed 's/"/""/g')"
H2,2025-01-15,4,5,4,3,"$(printf '%s' "$T2" | sed 's/"/""/g')"
H3,2025-01-01,8,7,6,5,"$(printf '%s' "$T3" | sed 's/"/""/g')"
H3,2025-01-08,7,6,5,4,"$(printf '%s' "$T3" | sed 's/"/""/g')"
$P1,2025-01-01,8,7,6,5,$T1
$P1,2025-01-08,7,6,5,4,$T1
CSV
printf 'patient_id,referrer,indication\nH1,Dr A,%s\nH2,Dr B,%s\n' "$I1" "$I2" >p.csv
expect 0 "hostile names are valid input" ingest --patients p.csv s.csv
expect 0 "report clinic over names with %, quotes, markup (was exit 3)" report clinic --out rep
check "no temporary file left" no_tmp rep
if [ $have_gnuplot = 1 ]; then
	# (descriptions without the names: echo would read their backslashes)
	k=0
	for name in "$T1" "$T2" "$T3"; do
		k=$((k + 1))
		check "therapist $k: tic label shown as given" shows "$name" rep/clinic/rates-therapist.svg
	done
	k=0
	for name in "$I1" "$I2"; do
		k=$((k + 1))
		check "indication $k: tic label shown as given" shows "$name" rep/clinic/rates-indication.svg
	done
	check "chart titles shown as given" shows "Responder rate by therapist (Wilson 95% interval)" rep/clinic/rates-therapist.svg
	expect 0 "note for a patient id with %, {}, @, ^, _, &" report note --patient "$P1" --out rep
	check "multiplot title with the id shown as given" shows "Course $P1-C1: scores by session (0-10, lower is better)" rep/P_d_x__y___-*/course.svg
	check "panel titles and key entries shown" sh -c 'python3 texts.py rep/P_d_x__y___-*/course.svg | grep -qx Fatigue && python3 texts.py rep/P_d_x__y___-*/course.svg | grep -qx score'
else
	skip "charts with hostile names" "gnuplot is not installed"
fi
check "no command ran" sh -c '! ls PWNED* rep/*/PWNED* 2>/dev/null | grep -q .'

# --- 8: concurrent writers into one folder -----------------------------------
# (the sample clinic, on a day after its last session)
cp "$TOP/sample-data/patients.csv" "$TOP/sample-data/sessions-2025-h1.csv" .
SYMTREND_TODAY=2026-06-01
"$SYMTREND" --db "$T/db8" ingest --patients patients.csv sessions-2025-h1.csv >/dev/null 2>&1
for i in 1 2 3 4; do
	"$SYMTREND" --db "$T/db8" report clinic --out same >"out$i" 2>"err$i" &
	eval "pid$i=\$!"
done
ok4=0
for i in 1 2 3 4; do
	eval "wait \$pid$i" && ok4=$((ok4 + 1))
done
check "four 'report clinic --out same' at once: all four succeed ($ok4)" test $ok4 -eq 4
check "four at once: no temporary file left" no_tmp same
if [ $have_gnuplot = 1 ]; then
	check "four at once: every chart whole" sh -c 'for f in same/clinic/*.svg; do python3 texts.py "$f" >/dev/null || exit 1; done; test $(ls same/clinic/*.svg | wc -l) -eq 5'
fi
check "four at once: chart files 0600" sh -c 'for f in same/clinic/*; do test "$(stat -c %a "$f")" = 600 || exit 1; done'
# A nightly into the folder a report is writing at the same time.
mkdir -p inbox8
cp "$TOP/sample-data/sessions-2025-h2.csv" inbox8/ && touch -d '10 minutes ago' inbox8/*.csv
"$SYMTREND" --db "$T/db8" report clinic --out same >outr 2>errr &
rpid=$!
"$SYMTREND" --db "$T/db8" nightly --inbox inbox8 --out same >outn 2>errn; nrc=$?
wait $rpid; rrc=$?
check "a nightly while a report writes into the same folder: both succeed ($nrc, $rrc)" \
	sh -c "test $nrc -eq 0 && test $rrc -eq 0"
check "nightly and report at once: no temporary file left" no_tmp same

# --- 7: inbox names and links --------------------------------------------------
SYMTREND_TODAY=2025-02-01
old() { touch -d '10 minutes ago' "$@"; }
night() { SYMTREND_TODAY=$1; st nightly --inbox inbox --out nout; }
mkdir -p inbox
good='patient_id,session_date,fatigue,sleep,focus,pain\nN1,2025-01-10,5,5,5,5\n'
forged="$(printf 'evil\nnightly 2099-01-01: 0 files FAKE.csv')"
ansi="$(printf 'red\033[31mX\033[0m.csv')"
printf "$good" >"inbox/$forged"
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nN2,2025-01-10,5,5,5,5\n' >"inbox/$ansi"
ln -s /etc/passwd inbox/passwd.csv
mkfifo inbox/fifo.csv
mkdir inbox/folder.csv
# A hard link: a second name of a file that is not the sender's to give.
printf 'root:x:0:0:secret\n' >secret.txt
ln secret.txt inbox/hard.csv
old inbox/*.csv "inbox/$forged" "inbox/$ansi"
night 2025-02-01; rc=$?
check "hostile inbox: exit 1 (entries skipped), stdout one line" sh -c "test $rc -eq 1 && test \$(wc -l <out) -eq 1"
check "the summary line says how many were skipped" grep -q '(0 refused, 0 waiting, 4 skipped: see the summary)' out
sum=nout/2025-02-01/summary.txt
check "a newline in a name forges no line in the log" sh -c '! grep -q "^nightly 2099" db.log'
check "... nor in the summary" sh -c '! grep -q "^nightly 2099" '$sum
check "the name is shown escaped" grep -qF 'evil\nnightly 2099-01-01: 0 files FAKE.csv' $sum
check "the log shows it escaped" grep -qF 'evil\nnightly 2099-01-01: 0 files FAKE.csv:' db.log
check "no raw escape character in the log or the summary" sh -c "! grep -q \"\$(printf '\\033')\" db.log $sum"
check "the ANSI name is shown escaped" grep -qF 'red\x1b[31mX\x1b[0m.csv' $sum
check "both files were ingested all the same" test "$(sqlv "SELECT count(*) FROM sessions s JOIN patients p ON p.id = s.patient WHERE p.patient_id IN ('N1','N2')")" = 2
check "a link to /etc/passwd is not followed: skipped and said" grep -q '^skip     passwd.csv (a symbolic link: not read)' $sum
check "... left in the inbox as it was" test -L inbox/passwd.csv
check "... none of its content in the log, summary or failed/" sh -c '! grep -rq "root:" db.log nout inbox/failed inbox/processed 2>/dev/null'
check "a FIFO is skipped, not read (no hang)" grep -q '^skip     fifo.csv (not a regular file: not read)' $sum
check "a folder named .csv is skipped" grep -q '^skip     folder.csv (a folder: not read)' $sum
check "a hard link is skipped, not read, and said" grep -q '^skip     hard.csv (a hard link (the file has another name): not read)' $sum
check "... left in the inbox as it was" sh -c 'test -f inbox/hard.csv && test "$(stat -c %h secret.txt)" = 2'
check "the summary counts the skipped entries" grep -q '4 skipped: not read (see below, each with why)' $sum
# What is read is what was checked: the shim swaps inbox7/swap.csv for a
# link to another file right after nightly opens it to take it (its check;
# the first open only tells its kind, to order the files).
SHIM=$TOP/build/fault.so
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"
mkdir -p inbox7
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nW1,2025-01-10,5,5,5,5\n' >inbox7/swap.csv
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nS9,2025-01-10,5,5,5,5\n' >secret7.csv
old inbox7/swap.csv
FAULT_SWAP=inbox7/swap.csv FAULT_SWAP_AT=2 FAULT_SWAP_TO=$T/secret7.csv LD_PRELOAD=$SHIM \
	"$SYMTREND" --db "$T/db7" nightly --inbox inbox7 --out nout7 >out 2>err; rc=$?
check "a file swapped for a link after its check: the checked file is read, not the link" \
	test "$(sqlite3 db7 'SELECT group_concat(patient_id) FROM patients')" = W1
check "... the link is not moved as if it were processed: left in the inbox" \
	sh -c 'test -L inbox7/swap.csv && test ! -e inbox7/processed/2025-02-01/swap.csv'
check "... said in the summary, exit 1" sh -c "test $rc -eq 1 && grep -q '^replaced swap.csv' nout7/2025-02-01/summary.txt"
SYMTREND_TODAY=2025-02-02 "$SYMTREND" --db "$T/db7" nightly --inbox inbox7 --out nout7 >out 2>err
check "... and the next night skips the link" grep -q '^skip     swap.csv (a symbolic link: not read)' nout7/2025-02-02/summary.txt
# Every name symtrend prints goes through one escape: ingest's messages too.
printf "$good" >"$forged"
st ingest "$forged"
check "ingest prints the name escaped, on one line" sh -c "grep -qF 'evil\nnightly 2099-01-01: 0 files FAKE.csv: 1 rows read' err && ! grep -q '^nightly 2099' err"
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nN3,2025-13-01,5,5,5,5\n' >"$ansi"
st ingest "$ansi"
check "ingest's reject messages print the name escaped" sh -c "grep -qF 'red\x1b[31mX\x1b[0m.csv:2:' err && ! grep -q \"\$(printf '\\033')\" err"
printf 'patient_id,bogus\n1,2\n' >"$ansi"
st ingest "$ansi"
check "a refused file's message prints the name escaped" sh -c "grep -qF 'red\x1b[31mX\x1b[0m.csv' err && ! grep -q \"\$(printf '\\033')\" err"

# --- a gnuplot failure costs the night no notes, summary or alerts -----------
cat >badgp.sh <<GP
#!/bin/sh
{ cat; echo 'this is not gnuplot'; } | $(command -v gnuplot || echo false)
GP
chmod +x badgp.sh
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nN1,2025-01-17,9,9,9,9\nN1,2025-01-24,9,9,9,9\n' >inbox/more.csv
old inbox/more.csv
rm -f inbox/passwd.csv inbox/fifo.csv inbox/hard.csv && rmdir inbox/folder.csv
SYMTREND_GNUPLOT=$T/badgp.sh night 2025-02-02; rc=$?
d=nout/2025-02-02
check "charts fail: exit 3" test $rc -eq 3
grep_err "charts fail: said on stderr" "charts failed: gnuplot failed"
check "charts fail: summary and alerts written all the same" sh -c "test -s $d/summary.txt && test -s $d/alerts.txt"
check "charts fail: the summary says so" grep -q '^charts:   FAILED' $d/summary.txt
check "charts fail: the notes are written, without charts" sh -c "test -s $d/notes/N1/note.txt && test -s $d/notes/N1/note.html && test ! -e $d/notes/N1/course.svg"
check "charts fail: the HTML does not claim gnuplot is missing" grep -q 'Chart not available (gnuplot is not installed or failed)' $d/notes/N1/note.html
check "charts fail: the clinic report is written" test -s nout/clinic/report.html
check "charts fail: no temporary file left" no_tmp nout
check "charts fail: gnuplot's messages kept" test -s $d/.gnuplot.log
check "charts fail: the log says so" grep -q 'charts failed: gnuplot failed' db.log
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nN2,2025-01-17,4,4,4,4\n' >inbox/next.csv
old inbox/next.csv
night 2025-02-03; rc=$?
check "the next night with a working gnuplot: exit 0" test $rc -eq 0
check "... and it does not redo the failed night's notes" sh -c "test ! -e nout/2025-02-03/notes/N1 && test -d nout/2025-02-03/notes/N2"

# Faults on the new paths: disk full for the summary, and for a note while
# the charts fail too (the second, chart-less pass).
SHIM=$TOP/build/fault.so
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nN2,2025-01-20,4,4,4,4\n' >inbox/f1.csv && old inbox/f1.csv
SYMTREND_TODAY=2025-02-06 FAULT_PATH=summary.txt.tmp LD_PRELOAD=$SHIM \
	"$SYMTREND" --db "$T/db" nightly --inbox inbox --out nout >out 2>err; rc=$?
check "disk full for the summary: exit 3, said" sh -c "test $rc -eq 3 && grep -q 'summary.txt' err"
check "disk full for the summary: no temporary file left" no_tmp nout
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nN2,2025-01-21,4,4,4,4\n' >inbox/f2.csv && old inbox/f2.csv
SYMTREND_TODAY=2025-02-07 SYMTREND_GNUPLOT=$T/badgp.sh FAULT_PATH=note.txt.tmp LD_PRELOAD=$SHIM \
	"$SYMTREND" --db "$T/db" nightly --inbox inbox --out nout >out 2>err; rc=$?
check "charts fail and the disk is full for the notes: exit 3, the write failure said" \
	sh -c "test $rc -eq 3 && grep -q 'note.txt' err"
check "... no temporary file left" no_tmp nout
night 2025-02-07; rc=$?
check "... the next run with room and gnuplot finishes the night: exit 0" sh -c "test $rc -eq 0 && test -s nout/2025-02-07/notes/N2/note.txt && test -s nout/2025-02-07/summary.txt"

# --- 15: folders of symtrend's own are private and never a link ----------------
mkdir -p fold/H1 fold/clinic elsewhere
chmod 755 fold/H1 fold/clinic
expect 0 "a note into an existing 0755 patient folder" report note --patient H1 --out fold
check "the patient folder is made 0700" test "$(mode_of fold/H1)" = 700
expect 0 "the clinic report into an existing 0755 folder" report clinic --out fold
check "the clinic folder is made 0700" test "$(mode_of fold/clinic)" = 700
ln -s ../elsewhere fold/H2
expect 0 "a note where the patient folder is a symbolic link" report note --patient H2 --out fold
check "the link is replaced by a private folder, not followed" sh -c 'test ! -L fold/H2 && test -d fold/H2 && test "$(stat -c %a fold/H2)" = 700 && test -s fold/H2/note.txt'
check "nothing was written where the link pointed" test -z "$(ls -A elsewhere)"
ln -s ../elsewhere nout/2025-02-04
mkdir -p nout/2025-02-05 && chmod 755 nout/2025-02-05
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nN2,2025-01-24,4,4,4,4\n' >inbox/n4.csv && old inbox/n4.csv
night 2025-02-04
check "a nightly folder that is a link is replaced, not followed" sh -c 'test ! -L nout/2025-02-04 && test "$(stat -c %a nout/2025-02-04)" = 700 && test -z "$(ls -A elsewhere)"'
night 2025-02-05
check "an existing 0755 nightly folder is made 0700" test "$(mode_of nout/2025-02-05)" = 700
check "nightly folders are 0700: notes, patient, rejects" sh -c 'for f in nout/2025-02-04/notes nout/2025-02-04/notes/N2 nout/2025-02-04/rejects; do test "$(stat -c %a $f)" = 700 || exit 1; done'
# Whoever may drop files into the inbox must not redirect the processed ones.
mv inbox/processed inbox/processed.old
mkdir -p elsewhere2
ln -s ../elsewhere2 inbox/processed
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nN2,2025-01-25,4,4,4,4\n' >inbox/n6.csv && old inbox/n6.csv
night 2025-02-06
check "a 'processed' link in the inbox is replaced, not followed" sh -c 'test ! -L inbox/processed && test "$(stat -c %a inbox/processed)" = 700 && test -f inbox/processed/2025-02-06/n6.csv && test -z "$(ls -A elsewhere2)"'
finish
