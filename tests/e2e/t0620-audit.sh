#!/bin/sh
# t0620-audit: the audit log: a row per letter, report and restore with the
# time, the OS user, what and the patient; 'symtrend audit' and its filters.
# (Export and erase rows: t0630-patient.)
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY=2026-03-12
me=$(id -un)
rows() { sqlv "SELECT count(*) FROM audit ${1:-}"; }

cp "$TOP"/sample-data/*.csv .
st ingest --patients patients.csv --therapists therapists.csv sessions-*.csv
expect 0 "audit on a database without rows" audit --format csv
check "... prints the header only" test "$(cat out)" = "at,os_user,action,patient_id,patient_hash,detail"

expect 0 "a letter" report note --patient P001 --out notes
check "... one audit row: letter, P001, this OS user, a progress note" test "$(sqlv "SELECT os_user||'|'||action||'|'||patient_id||'|'||detail FROM audit")" = "$me|letter|P001|progress note"
check "... when, as local ISO 8601 time" sh -c "sqlv() { sqlite3 '$T/db' \"\$1\"; }; sqlv 'SELECT at FROM audit' | grep -Eqx '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}'"
expect 0 "the clinic report" report clinic --out rep
check "... one row: report, no patient" test "$(sqlv "SELECT action||'|'||coalesce(patient_id,'-')||'|'||detail FROM audit ORDER BY id DESC LIMIT 1")" = "report|-|clinic report"
expect 0 "the morning page" report index --out rep
check "... one row: report, morning page" test "$(sqlv "SELECT action||'|'||detail FROM audit ORDER BY id DESC LIMIT 1")" = "report|morning page"
check "the folders written are known, absolute" test "$(sqlv "SELECT group_concat(dir, ' ') FROM (SELECT dir FROM output_dirs ORDER BY dir)")" = "$T/notes $T/rep"
expect 2 "a failed command line writes nothing" report note --out notes
check "... no row" test "$(rows)" -eq 3
st report note --patient NOPE --out notes; rc=$?
check "a letter that is not written (unknown patient) has no row" sh -c "test $rc -ne 0 && test $(rows) -eq 3"

# A night: a row per note it wrote, one for the clinic report, one for the morning page.
mkdir -p inbox
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nP001,2026-03-10,5,5,5,5\nP002,2026-03-10,4,4,4,4\n' >inbox/new.csv
touch -d '10 minutes ago' inbox/new.csv
st nightly --inbox inbox --out night; rc=$?
notes=$(ls night/2026-03-12/notes | wc -l)
check "a night: exit 0, notes written" sh -c "test $rc -eq 0 && test $notes -ge 2"
check "... a letter row for each note ($notes)" test "$(rows "WHERE detail='nightly progress note'")" -eq "$notes"
check "... for exactly the patients noted" test "$(sqlv "SELECT group_concat(patient_id, ' ') FROM (SELECT patient_id FROM audit WHERE detail='nightly progress note' ORDER BY 1)")" = "$(ls night/2026-03-12/notes | sort | tr '\n' ' ' | sed 's/ $//')"
check "... one clinic report, one morning page" test "$(rows "WHERE detail IN ('nightly clinic report','nightly morning page')")" -eq 2
check "no row's detail holds a patient id or name" test "$(rows "WHERE detail GLOB '*P0[0-9][0-9]*' OR detail LIKE '%Beispiel%'")" -eq 0

# symtrend audit: all rows, one patient's, csv.
expect 0 "audit lists every row" audit
check "... a header and a line per row" test "$(wc -l <out)" -eq $(($(rows) + 1))
check "... the letter, as text" grep -Eq "^[0-9T:+-]{24} $me +letter +P001 +progress note$" out
expect 0 "audit --patient P001" audit --patient P001 --format csv
check "... P001's rows only (letter by hand and by night)" test "$(tail -n +2 out | cut -d, -f3,4,6 | tr '\n' ' ')" = "letter,P001,progress note letter,P001,nightly progress note "
expect 0 "audit --patient of nobody" audit --patient NOBODY --format csv
check "... the header only" test "$(wc -l <out)" -eq 1
expect 2 "audit --format xml is a usage error" audit --format xml

# A restore is recorded in the restored database.
expect 0 "a backup" backup --to b.db
expect 0 "its restore" restore b.db
check "... one restore row, with what was restored" test "$(sqlv "SELECT action||'|'||os_user||'|'||coalesce(patient_id,'-')||'|'||detail FROM audit WHERE action='restore'")" = "restore|$me|-|from 'b.db': 60 patients, $(sqlite3 b.db 'SELECT count(*) FROM sessions') sessions, $(sqlite3 b.db 'SELECT count(*) FROM files') files; the replaced database kept as DB.before-restore"
finish
