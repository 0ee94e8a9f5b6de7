#!/bin/sh
# t0600-faults: disk full and failing writes (database, rejects, reports)
# through an LD_PRELOAD shim, a read-only database, a process killed in
# the middle of an ingest.  Each check fails if the protection is removed.
. "$(dirname "$0")/lib.sh"
SHIM=$TOP/build/fault.so
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"
count() { sqlv 'SELECT count(*) FROM sessions'; }
faulty() { LD_PRELOAD=$SHIM "$@"; }

cp "$TOP"/sample-data/*.csv .
st ingest sessions-2025-h1.csv
n0=$(count)
sqlv .dump >before.sql

# Disk full while SQLite writes the WAL: exit 3, a clear error, nothing stored.
FAULT_PATH=db-wal FAULT_AFTER=3 faulty "$SYMTREND" --db "$T/db" ingest sessions-2025-h2.csv >out 2>err; rc=$?
check "disk full during ingest: exit 3" test $rc -eq 3
check "disk full during ingest: the error says so" grep -q 'full\|disk I/O error' err
check "disk full during ingest: nothing of the file stored" test "$(count)" -eq $n0
sqlv .dump >after.sql
check "disk full during ingest: database exactly as before" cmp -s before.sql after.sql
check "disk full during ingest: database still sound" test "$(sqlv 'PRAGMA integrity_check')" = ok
expect 0 "after the disk has room again the same file goes in" ingest sessions-2025-h2.csv

# A failing write of the rejects file: the ingest is reported as failed.
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nR1,2025-01-01,11,1,1,1\nR1,2025-01-02,1,1,1,1\n' >r.csv
FAULT_PATH=r.csv.rejects FAULT_AFTER=0 faulty "$SYMTREND" --db "$T/db" ingest r.csv >out 2>err; rc=$?
check "rejects file cannot be written: exit 3" test $rc -eq 3
check "rejects file cannot be written: nothing stored" test "$(sqlv "SELECT count(*) FROM sessions s JOIN patients p ON p.id=s.patient WHERE p.patient_id='R1'")" -eq 0
check "rejects file cannot be written: no partial rejects file" sh -c '! ls r.csv.rejects* 2>/dev/null | grep -q .'

# The rejects file's rename is made durable (its folder synced) before the
# rows are committed: when that sync fails, the ingest fails, nothing stored.
r1() { sqlv "SELECT count(*) FROM sessions s JOIN patients p ON p.id=s.patient WHERE p.patient_id='R1'"; }
mkdir -p rj
FAULT_PATH=/rj FAULT_AFTER=999999999 FAULT_DIRSYNC=1 faulty "$SYMTREND" --db "$T/db" ingest --rejects rj/r.rejects.csv r.csv >out 2>err; rc=$?
check "the rejects' folder cannot be synced: exit 3, said" sh -c "test $rc -eq 3 && grep -q 'r.rejects.csv' err"
check "... nothing stored, no rejects file kept" sh -c "test $(r1) -eq 0 && test ! -e rj/r.rejects.csv && ! ls rj | grep -q tmp"
FAULT_PATH=/rj FAULT_AFTER=999999999 FAULT_SYNCLOG=1 faulty "$SYMTREND" --db "$T/db" ingest --rejects rj/r.rejects.csv r.csv >out 2>err; rc=$?
check "the rejects file is synced, then its folder" sh -c \
	"test $rc -eq 1 && grep '^fault:' err | tr '\n' ' ' | grep -qx 'fault: fsync of a /rj file fault: fsync of a /rj folder '"
check "... and stored" test "$(r1)" -eq 1

# A failing write of a report: the old report stays whole, no temporary left.
expect 0 "a note" report note --patient P001 --out rep
cp rep/P001/note.txt good-note.txt
FAULT_PATH=note.txt.tmp FAULT_AFTER=0 SYMTREND_TODAY=2030-01-01 faulty "$SYMTREND" --db "$T/db" report note --patient P001 --out rep >out 2>err; rc=$?
check "disk full writing a note: exit 3" test $rc -eq 3
check "disk full writing a note: the previous note is intact" cmp -s good-note.txt rep/P001/note.txt
check "disk full writing a note: no temporary file left" sh -c '! ls rep/P001 | grep -q tmp'
FAULT_PATH=note.html.tmp FAULT_FSYNC=1 faulty "$SYMTREND" --db "$T/db" report note --patient P001 --out rep >out 2>err; rc=$?
check "fsync failure of the HTML note: exit 3" test $rc -eq 3

# Disk full for stdout: a failed write is an error, not a silent truncation.
"$SYMTREND" --db "$T/db" stats >/dev/full 2>err; rc=$?
check "stats to a full disk: exit 3" test $rc -eq 3

# A read-only database (a read-only mount, simulated: opening it for writing fails).
cp db ro.db
sum_before=$(sha256sum ro.db | cut -d' ' -f1)
FAULT_RO=ro.db faulty "$SYMTREND" --db "$T/ro.db" ingest r.csv >out 2>err; rc=$?
check "read-only database: ingest exits 3" test $rc -eq 3
check "read-only database: a clear error" grep -qi 'readonly\|read-only' err
check "read-only database: unchanged" test "$(sha256sum ro.db | cut -d' ' -f1)" = "$sum_before"

# The alerts files cannot be written after the night's alerts were stored
# (issue 13, item 2): the rerun writes them all, also on the next day.
mkdir -p fin fin2
fdb() { "$SYMTREND" --db "$T/fdb" "$@"; }
"$SYMTREND" --db "$T/fref" config set alert_window 3650
fdb config set alert_window 3650
cp sessions-2025-h1.csv sessions-2025-h2.csv patients.csv fin/ && touch -d '10 minutes ago' fin/*.csv
cp fin/*.csv fin2/ && touch -d '10 minutes ago' fin2/*.csv
SYMTREND_TODAY=2026-03-02 "$SYMTREND" --db "$T/fref" nightly --inbox fin2 --out frefrep >/dev/null 2>&1
tail -n +2 frefrep/2026-03-02/alerts.csv | sort >ref.alerts
FAULT_PATH=alerts.txt.tmp SYMTREND_TODAY=2026-03-02 faulty "$SYMTREND" --db "$T/fdb" nightly --inbox fin --out frep >out 2>err; rc=$?
check "alerts.txt cannot be written: exit 3" test $rc -eq 3
check "alerts.txt cannot be written: no alerts file yet" test ! -e frep/2026-03-02/alerts.csv
SYMTREND_TODAY=2026-03-03 fdb nightly --inbox fin --out frep >out 2>err; rc=$?
check "the next night: exit 0" test $rc -eq 0
check "the next night writes the stored night's alerts files ($(wc -l <ref.alerts) alerts)" sh -c \
	'test -s ref.alerts && tail -n +2 frep/2026-03-02/alerts.csv | sort | cmp -s - ref.alerts'
check "the stored night's alerts.txt lists them too" test "$(grep -c '^  P' frep/2026-03-02/alerts.txt)" -eq "$(wc -l <ref.alerts)"
check "the next night raised nothing again" grep -q ': 0 new or changed' frep/2026-03-03/alerts.txt
fdb alerts --format csv >latest.csv
check "symtrend alerts lists the latest night's (none)" test "$(cat latest.csv)" = "patient_id,course_id,measure,kind,session_date,detail"

# Nightly's rejects and moves are durable: their folder is synced after the
# rename.  A sync that fails stops the night (exit 3).
mkdir -p din
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nD1,2025-01-01,11,1,1,1\nD1,2025-01-02,1,1,1,1\n' >din/d.csv
touch -d '10 minutes ago' din/d.csv
ddb() { sqlite3 "$T/ddb" "SELECT count(*) FROM sessions"; }
FAULT_PATH=din/processed FAULT_AFTER=999999999 FAULT_DIRSYNC=1 SYMTREND_TODAY=2025-02-01 \
	faulty "$SYMTREND" --db "$T/ddb" nightly --inbox din --out dout >out 2>err; rc=$?
check "nightly: the rejects' folder cannot be synced: exit 3, nothing stored, the file in the inbox" \
	sh -c "test $rc -eq 3 && test $(ddb) -eq 0 && test -f din/d.csv"
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nD1,2025-01-01,1,1,1,1\n' >din/d.csv
touch -d '10 minutes ago' din/d.csv
FAULT_PATH=din/processed FAULT_AFTER=999999999 FAULT_DIRSYNC=1 SYMTREND_TODAY=2025-02-01 \
	faulty "$SYMTREND" --db "$T/ddb" nightly --inbox din --out dout >out 2>err; rc=$?
check "nightly: the move cannot be made durable: exit 3, said (its rows were committed before)" \
	sh -c "test $rc -eq 3 && grep -q 'cannot move' err && test $(ddb) -eq 1"
SYMTREND_TODAY=2025-02-01 "$SYMTREND" --db "$T/ddb" nightly --inbox din --out dout >out 2>err; rc=$?
check "... the next run finishes the night" sh -c "test $rc -eq 0 && test ! -e din/d.csv && test $(ddb) -eq 1"

# A process killed in the middle of an ingest: all of the file or none.
"$TOP/build/gen" --sessions 300000 --out big.csv
n1=$(count)
"$SYMTREND" --db "$T/db" ingest big.csv >/dev/null 2>&1 &
pid=$!
sleep 0.3
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
n2=$(count)
check "killed mid-ingest: all or nothing ($n1 -> $n2)" sh -c "test $n2 -eq $n1 || test $n2 -eq $((n1 + 300000))"
check "killed mid-ingest: database sound" test "$(sqlv 'PRAGMA integrity_check')" = ok
expect 0 "the killed ingest, run again, completes" ingest big.csv
check "killed and re-run: every row once" test "$(count)" -eq $((n1 + 300000))
finish
