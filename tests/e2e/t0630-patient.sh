#!/bin/sh
# t0630-patient: a patient's rights on the sample clinic: 'patient export'
# (everything stored about one patient), 'patient erase' (the retention rule,
# --force --reason; afterwards no row of the database and no file under the
# output folders holds the id or the name, the pages that listed the patient
# written again), 'patient purge --expired' at the retention's edge.
# P001 has a name, letters (by hand and by night) and an alert.
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY=2026-03-12
ID=P001
NAME="Mara Beispiel"
names() { grep -rl -e "$ID" -e "$NAME" "$@" 2>/dev/null; }
dumped() { sqlite3 "$T/db" .dump | grep -c -e "$ID" -e "$NAME"; }

cp "$TOP"/sample-data/*.csv .
st ingest --patients patients.csv --therapists therapists.csv sessions-*.csv
mkdir -p inbox
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nP001,2026-03-10,9,9,9,9\nP002,2026-03-10,4,4,4,4\nP001,2026-02-30,1,1,1,1\n' >inbox/new.csv
touch -d '10 minutes ago' inbox/new.csv
st nightly --inbox inbox --out night
expect 0 "a letter by hand" report note --patient $ID --out notes
expect 0 "the clinic report" report clinic --out rep
expect 0 "the morning page" report index --out rep
check "before: the patient has an alert" test "$(sqlv "SELECT count(*) FROM alert_reports WHERE patient_id='$ID'")" -ge 1
check "before: files name the patient (notes, alerts, pages, rejects, inbox)" sh -c "test \$(grep -rl -e '$ID' -e '$NAME' night notes rep inbox | wc -l) -ge 8"
check "before: the morning pages list the patient" grep -q "$ID" rep/index.html

# Export: everything stored about the patient.
expect 2 "export needs --out" patient export $ID
expect 2 "export of an unknown id" patient export NOBODY --out x
check "... writes nothing" test ! -e x
expect 0 "export" patient export $ID --out exp
check "... the folder 0700, the files 0600" sh -c "test $(mode_of exp) = 700 && test \$(find exp -type f ! -perm 600 | wc -l) -eq 0"
check "... patient.csv: the patients row with the name" sh -c "test \$(wc -l <exp/patient.csv) -eq 2 && grep -q '^$ID,$NAME,1990,' exp/patient.csv"
check "... sessions.csv: every session row, attended or not" test "$(($(wc -l <exp/sessions.csv) - 1))" -eq "$(sqlv "SELECT count(*) FROM sessions s JOIN patients p ON p.id=s.patient WHERE p.patient_id='$ID'")"
check "... alerts.csv: every alert reported" test "$(($(wc -l <exp/alerts.csv) - 1))" -eq "$(sqlv "SELECT count(*) FROM alert_reports WHERE patient_id='$ID'")"
check "... audit.csv: the letters written about them" test "$(grep -c ',letter,' exp/audit.csv)" -eq 2
check "... letters/: the notes by night and by hand, byte for byte" sh -c "test \$(find exp/letters -name note.txt | wc -l) -eq 2 && cmp -s exp/letters/2/note.txt notes/$ID/note.txt"
check "... where each came from" test "$(cut -f2 exp/letters/index.txt | tr '\n' ' ')" = "$T/night/2026-03-12/notes/$ID $T/notes/$ID "
check "... an export row in the audit log" test "$(sqlv "SELECT count(*) FROM audit WHERE action='export' AND patient_id='$ID'")" -eq 1

# Erase: the retention rule (10 years after the last session, 2026-03-10).
sqlv .dump >before.sql
expect 1 "erase within the retention: refused" patient erase $ID
grep_err "... saying until when" "the records are kept until 2036-03-10 (retention_years 10 after the last session)"
sqlv .dump >after.sql
check "... nothing changed" cmp -s before.sql after.sql
SYMTREND_TODAY=2036-03-09 st patient erase $ID; rc=$?
check "... also on the last day of the retention (2036-03-09)" test $rc -eq 1
expect 2 "--force without --reason" patient erase $ID --force
expect 2 "--reason without --force" patient erase $ID --reason "asked"
expect 2 "a reason that names the patient (it stays in the log)" patient erase $ID --force --reason "$NAME asked"
expect 2 "a reason with the id" patient erase $ID --force --reason "erase $ID"
expect 2 "an unknown patient" patient erase NOBODY --force --reason "asked"
sqlv .dump >after.sql
check "... none of them changed anything" cmp -s before.sql after.sql
patients=$(sqlv 'SELECT count(*) FROM patients')
expect 0 "erase --force --reason" patient erase $ID --force --reason "asked by the patient (GDPR art. 17)"
cp out erase.out
check "... says what it did" grep -q "^patient erase: 1 patient erased from the database; 2 of their folders removed, [0-9]* pages written again, [0-9]* other files cleaned$" out
check "no row of the database holds the id or the name (sqlite3 .dump)" test "$(dumped)" -eq 0
check "nor the database's bytes (secure_delete, the -wal emptied)" sh -c "! cat db db-wal 2>/dev/null | grep -aq -e '$ID' -e '$NAME'"
check "one patient fewer" test "$(sqlv 'SELECT count(*) FROM patients')" -eq $((patients - 1))
check "no file under the output folders holds the id or the name" sh -c "! grep -rl -e '$ID' -e '$NAME' night notes rep exp inbox db.log"
check "the patient's folders are gone" sh -c "test ! -e notes/$ID && test ! -e night/2026-03-12/notes/$ID"
check "the morning pages were written again, with the others" sh -c "grep -q P002 rep/index.html && grep -q P002 night/index.html"
check "the night's alerts files were written again" sh -c "test -s night/2026-03-12/alerts.csv && head -1 night/2026-03-12/alerts.csv | grep -q '^patient_id,'"
check "the clinic report was written again" sh -c "test -s rep/clinic/report.txt && test -s night/clinic/report.html"
check "the processed input keeps the other rows" grep -q '^P002,2026-03-10' inbox/processed/2026-03-12/new.csv
hash=$(sqlv "SELECT patient_hash FROM audit WHERE action='erase'")
check "the audit log keeps the erased patient's rows under a keyed hash only" sh -c "test ${#hash} -eq 64 && test $(sqlv "SELECT count(*) FROM audit WHERE patient_hash='$hash' AND patient_id IS NULL") -ge 4"
check "... not the plain SHA-256 of the id" test "$hash" != "$(printf %s $ID | sha256sum | cut -d' ' -f1)"
expect 0 "audit --patient finds them by the id" audit --patient $ID --format csv
check "... the letters, the export and the erase, with the reason" sh -c "grep -c ',letter,,$hash,' out | grep -qx 2 && grep -q ',export,,$hash,' out && grep -q ',erase,,$hash,erase --force before the retention ended on 2036-03-10: asked by the patient (GDPR art. 17)' out"
expect 0 "audit as text" audit
check "... shows 'erased #' and 12 hex digits" grep -q "erase    erased #$(echo $hash | cut -c1-12) " out
expect 2 "erased twice: no longer a patient" patient erase $ID --force --reason "again"
expect 0 "the clinic goes on: stats" stats --clinic
SYMTREND_TODAY=2026-03-13 st nightly --inbox inbox --out night; rc=$?
check "... and a night" test $rc -eq 0

# Purge --expired: exactly the patients whose retention has ended.
expect 2 "purge needs --expired" patient purge
expect 0 "retention_years 1" config set retention_years 1
expect 2 "retention_years 0 is out of range" config set retention_years 0
last=$(sqlv "SELECT date(max(session_date)*86400,'unixepoch') FROM sessions s JOIN patients p ON p.id=s.patient WHERE p.patient_id='P002'")
edge=$(date -u -d "$last + 1 year" +%F)
before_edge=$(date -u -d "$edge - 1 day" +%F)
lasts() { sqlv "SELECT p.patient_id||' '||date(max(s.session_date)*86400,'unixepoch') FROM patients p JOIN sessions s ON s.patient=p.id GROUP BY p.id ORDER BY 1"; }
lasts >lasts.before
SYMTREND_TODAY=$before_edge st patient purge --expired; rc=$?
check "purge the day before P002's retention ends ($before_edge): P002 stays" sh -c "test $rc -eq 0 && test $(sqlv "SELECT count(*) FROM patients WHERE patient_id='P002'") -eq 1"
SYMTREND_TODAY=$edge st patient purge --expired; rc=$?
check "purge on the day it ends ($edge): P002 erased" sh -c "test $rc -eq 0 && test $(sqlv "SELECT count(*) FROM patients WHERE patient_id='P002'") -eq 0"
lasts >lasts.after
cut=$(date -u -d "$edge - 1 year" +%F)
check "... every patient whose last session is on or before $cut erased, every later one kept" sh -c "
	awk '\$2 > \"$cut\"' lasts.before | diff - lasts.after"
check "... the purge is in the audit log, one erase row per patient" test "$(sqlv "SELECT count(*) FROM audit WHERE action='erase' AND detail LIKE 'purge --expired%'")" -eq "$(($(wc -l <lasts.before) - $(wc -l <lasts.after)))"
check "... no purged id left in the output folders" sh -c "for p in \$(awk '\$2 <= \"$cut\" {print \$1}' lasts.before); do ! grep -rlw \$p night notes rep inbox || exit 1; done"
SYMTREND_TODAY=$edge st patient purge --expired
check "a second purge: nobody left to erase" grep -q "^patient purge: no patient's retention" out
finish
