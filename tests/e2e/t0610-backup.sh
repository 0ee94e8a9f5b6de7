#!/bin/sh
# t0610-backup: 'backup --to' and 'restore', the nightly backup with its
# rotation, and their faults: a backup killed with SIGKILL in the middle,
# a disk full during a backup, a truncated, foreign or corrupt file given to
# restore.  Faults come from the LD_PRELOAD shim (tests/fault/shim.c).
. "$(dirname "$0")/lib.sh"
SHIM=$TOP/build/fault.so
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"
faulty() { LD_PRELOAD=$SHIM "$@"; }
tally() { sqlite3 "$1" "SELECT (SELECT count(*) FROM patients)||' '||(SELECT count(*) FROM sessions)||' '||(SELECT count(*) FROM files)"; }
integrity() { sqlite3 "$1" 'PRAGMA integrity_check'; }
no_tmp() { ! ls -a "$1" | grep -q '\.tmp\.'; }
# wait_for FILE TEXT: until FILE holds TEXT (at most 60 s; the test then fails on what follows)
wait_for() { i=0; while ! grep -q "$2" "$1" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done; }

cp "$TOP"/sample-data/*.csv .
st ingest --patients patients.csv sessions-2025-h1.csv
full=$(tally db)

# backup --to: a verified copy, 0600, one file (no -wal), the same counts.
expect 0 "backup --to writes a backup" backup --to b1.db
check "... it says what it holds" grep -q "^backup: 'b1.db' written and verified: 60 patients, [0-9]* sessions, 2 files$" out
check "... 0600" test "$(mode_of b1.db)" = 600
check "... the same patients, sessions and files ($full)" test "$(tally b1.db)" = "$full"
check "... integrity ok, a single file in rollback mode" sh -c "test \"$(integrity b1.db)\" = ok && test \"$(sqlite3 b1.db 'PRAGMA journal_mode')\" = delete && test ! -e b1.db-wal"
check "... no temporary left" no_tmp .
expect 2 "backup without --to is a usage error" backup
expect 3 "backup into a folder that does not exist: exit 3" backup --to nodir/b.db
check "... nothing written" test ! -e nodir

# Killed with SIGKILL while the backup is written: an earlier backup under
# the same name is untouched, and nothing half-written gets a final name.
cp b1.db b1.copy
sqlv .dump >before.sql
FAULT_PATH=b1.db.tmp FAULT_AFTER=3 FAULT_STALL=1 LD_PRELOAD=$SHIM "$SYMTREND" --db "$T/db" backup --to b1.db >out 2>err &
pid=$!
wait_for err 'fault: stalled'
check "the backup was caught writing its temporary" grep -q 'fault: stalled' err
check "... which exists meanwhile" sh -c "ls -a | grep -q '^b1.db.tmp\.'"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "... the process is gone" sh -c "! kill -0 $pid 2>/dev/null"
check "killed mid-backup: the earlier backup under that name is byte for byte intact" cmp -s b1.copy b1.db
check "killed mid-backup: the earlier backup restores-ready (integrity ok)" test "$(integrity b1.db)" = ok
FAULT_PATH=b2.db.tmp FAULT_AFTER=3 FAULT_STALL=1 LD_PRELOAD=$SHIM "$SYMTREND" --db "$T/db" backup --to b2.db >out 2>err &
pid=$!
wait_for err 'fault: stalled'
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "... the process is gone" sh -c "! kill -0 $pid 2>/dev/null"
check "killed mid-backup: no file under the new final name" test ! -e b2.db
sqlv .dump >after.sql
check "killed mid-backup: the database unchanged" cmp -s before.sql after.sql
expect 0 "the next backup of that name succeeds" backup --to b2.db
check "... and sweeps the killed one's temporary" sh -c "! ls -a | grep -q '^b2.db.tmp'"

# Disk full while the backup is written: exit 3, said, nothing under the
# final name, no temporary, the database untouched.
FAULT_PATH=b3.db.tmp FAULT_AFTER=2 faulty "$SYMTREND" --db "$T/db" backup --to b3.db >out 2>err; rc=$?
check "disk full during a backup: exit 3" test $rc -eq 3
check "disk full during a backup: the error says so" grep -q "cannot write backup 'b3.db': disk full" err
check "disk full during a backup: no file, no temporary" sh -c "test ! -e b3.db && ! ls -a | grep -q 'b3.db'"
sqlv .dump >after.sql
check "disk full during a backup: the database untouched" sh -c "cmp -s before.sql after.sql && test \"$(integrity db)\" = ok"
FAULT_PATH=b1.db.tmp FAULT_AFTER=2 faulty "$SYMTREND" --db "$T/db" backup --to b1.db >out 2>err; rc=$?
check "disk full replacing a backup: exit 3, the old one intact" sh -c "test $rc -eq 3 && cmp -s b1.copy b1.db"
FAULT_PATH=b3.db.tmp FAULT_FSYNC=1 faulty "$SYMTREND" --db "$T/db" backup --to b3.db >out 2>err; rc=$?
check "the backup cannot be synced: exit 3, no file" sh -c "test $rc -eq 3 && test ! -e b3.db && ! ls -a | grep -q 'b3.db'"

# restore refuses what is not a whole, sound symtrend database; nothing touched.
st ingest sessions-2025-h2.csv
sqlv .dump >before.sql
after=$(tally db)
refused() { # DESC FILE PATTERN
	st restore "$2"; rc=$?
	sqlv .dump >after.sql
	if [ $rc -eq 1 ] && grep -q "restore refused, the database untouched: .*$3" err && cmp -s before.sql after.sql && test ! -e db.before-restore; then
		ok "$1"
	else
		nok "$1" "exit $rc; $(cat err)"
	fi
}
size=$(stat -c %s b1.db)
head -c $((size - 4096)) b1.db >short.db
refused "restore of a backup one page short: refused" short.db "is truncated"
head -c 50000 b1.db >cut.db
refused "restore of a backup cut mid-page: refused" cut.db "is truncated"
head -c 99 b1.db >tiny.db
refused "restore of a 99-byte file: refused" tiny.db "is not an SQLite database"
cp "$TOP/sample-data/patients.csv" foreign.db
refused "restore of a CSV file: refused" foreign.db "is not an SQLite database"
sqlite3 other.db 'CREATE TABLE patients(x); CREATE TABLE sessions(y); PRAGMA user_version=1'
refused "restore of another program's SQLite database: refused" other.db "is not a symtrend database"
cp b1.db newer.db && sqlite3 newer.db 'PRAGMA user_version=99'
refused "restore of a newer schema: refused" newer.db "newer than this symtrend"
cp b1.db bad.db
# garbage over the second half of the file's pages after the first (b-tree pages)
pages=$((size / 4096))
dd if=/dev/urandom of=bad.db bs=4096 seek=$((pages / 2)) count=$((pages - pages / 2)) conv=notrunc 2>/dev/null
refused "restore of a backup with corrupt pages: refused" bad.db "integrity check\|cannot be\|malformed"
expect 2 "restore without a file: usage" restore
st restore db; rc=$?
check "restore of the database itself: refused" test $rc -eq 2

# A good backup restores: its counts; the replaced database kept, verified.
expect 0 "restore of the earlier backup" restore b1.db
check "... the database holds the backup's counts ($full)" test "$(tally db)" = "$full"
check "... integrity ok" test "$(integrity db)" = ok
check "... the replaced database kept as DB.before-restore, with its counts ($after)" sh -c "test \"$(tally db.before-restore)\" = \"$after\" && test \"$(mode_of db.before-restore)\" = 600"
check "... it says both" grep -q "kept as '$T/db.before-restore'" out
expect 0 "the restored database is used as before (stats)" stats --patient P001 --measure pain

# The nightly backup: backup_dir set, the night ends with a verified backup.
expect 2 "backup_dir must be absolute" config set backup_dir bk
expect 2 "backup_keep_daily 0 is out of range" config set backup_keep_daily 0
expect 0 "backup_keep_daily 1 is in range" config set backup_keep_daily 1
expect 2 "backup_keep_weekly -1 is out of range" config set backup_keep_weekly -1
expect 0 "backup_keep_weekly 0 is in range" config set backup_keep_weekly 0
st config unset backup_keep_daily; st config unset backup_keep_weekly
expect 0 "backup_dir set" config set backup_dir "$T/bk"
mkdir -p inbox
cp sessions-2025-h2.csv inbox/ && touch -d '10 minutes ago' inbox/*.csv
SYMTREND_TODAY=2026-03-12 st nightly --inbox inbox --out rep; rc=$?
check "a night with backup_dir: exit 0" test $rc -eq 0
check "... leaves bk/symtrend-2026-03-12.db, 0600 in a 0700 folder" sh -c "test \"$(mode_of bk/symtrend-2026-03-12.db)\" = 600 && test \"$(mode_of bk)\" = 700"
check "... with the database's counts" test "$(tally bk/symtrend-2026-03-12.db)" = "$(tally db)"
check "... the summary says so" grep -q "^backup:   $T/bk/symtrend-2026-03-12.db, verified: 60 patients, [0-9]* sessions, 3 files; 1 kept, 0 older removed$" rep/2026-03-12/summary.txt
nightly_tally=$(tally db)
"$SYMTREND" --db "$T/fresh.db" restore bk/symtrend-2026-03-12.db >out 2>err; rc=$?
check "the night's backup restores to a database with the same counts" sh -c "test $rc -eq 0 && test \"$(tally fresh.db)\" = \"$nightly_tally\" && test ! -e fresh.db.before-restore"

# Disk full during the night's backup: the night says so and exits 3;
# the database and the earlier backups untouched.
cp bk/symtrend-2026-03-12.db night1.copy
before_tally=$(tally db)
SYMTREND_TODAY=2026-03-13 FAULT_PATH=/bk/symtrend-2026-03-13.db.tmp FAULT_AFTER=2 faulty "$SYMTREND" --db "$T/db" nightly --inbox inbox --out rep >out 2>err; rc=$?
check "disk full during the night's backup: exit 3" test $rc -eq 3
check "... stderr says the backup failed" grep -q "backup failed: .*disk full" err
check "... the summary says so" grep -q "^backup:   FAILED, no backup tonight, older ones kept: .*disk full" rep/2026-03-13/summary.txt
check "... no backup of the night, no temporary" sh -c "test ! -e bk/symtrend-2026-03-13.db && ! ls -a bk | grep -q tmp"
check "... the earlier backup untouched" cmp -s night1.copy bk/symtrend-2026-03-12.db
check "... the database sound, its counts unchanged" sh -c "test \"$(integrity db)\" = ok && test \"$(tally db)\" = \"$before_tally\""

# A night killed in the middle of its backup: nothing under a final name.
SYMTREND_TODAY=2026-03-14 FAULT_PATH=/bk/symtrend-2026-03-14.db.tmp FAULT_AFTER=3 FAULT_STALL=1 LD_PRELOAD=$SHIM "$SYMTREND" --db "$T/db" nightly --inbox inbox --out rep >out 2>err &
pid=$!
wait_for err 'fault: stalled'
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "... the process is gone" sh -c "! kill -0 $pid 2>/dev/null"
check "a night killed mid-backup: no backup under its final name" test ! -e bk/symtrend-2026-03-14.db
check "... the earlier backup intact" cmp -s night1.copy bk/symtrend-2026-03-12.db
SYMTREND_TODAY=2026-03-14 st nightly --inbox inbox --out rep; rc=$?
check "... the next night writes it, and sweeps the temporary" sh -c "test $rc -eq 0 && test \"$(integrity bk/symtrend-2026-03-14.db)\" = ok && ! ls -a bk | grep -q tmp"

# Rotation: the newest of 7 days and of 4 weeks (Monday to Sunday) stay.
rm -f bk/*
d=0
while [ $d -le 40 ]; do
	day=$(date -u -d "2026-03-11 - $d days" +%F)
	: >"bk/symtrend-$day.db"
	d=$((d + 1))
done
: >bk/symtrend-2026-02-30.db; : >bk/symtrend-notes.db; : >bk/other.db
SYMTREND_TODAY=2026-03-12 st nightly --inbox inbox --out rep; rc=$?
ls bk >kept
printf '%s\n' other.db symtrend-2026-02-22.db symtrend-2026-02-30.db symtrend-2026-03-01.db \
	symtrend-2026-03-06.db symtrend-2026-03-07.db symtrend-2026-03-08.db symtrend-2026-03-09.db \
	symtrend-2026-03-10.db symtrend-2026-03-11.db symtrend-2026-03-12.db symtrend-notes.db >want
check "rotation: 7 days (03-06..03-12), the newest of 4 weeks (03-12, 03-08, 03-01, 02-22), other names untouched" diff want kept
check "... the summary counts them" grep -q "9 kept, 33 older removed" rep/2026-03-12/summary.txt
st config set backup_keep_weekly 0
st config set backup_keep_daily 2
SYMTREND_TODAY=2026-03-12 st nightly --inbox inbox --out rep; rc=$?
check "rotation: backup_keep_daily 2, weekly 0: the newest two days only" sh -c "test $rc -eq 0 && test \"$(ls bk | grep '^symtrend-2026-0[0-9]-[0-9]*\.db$' | grep -v 02-30 | tr '\n' ' ')\" = 'symtrend-2026-03-11.db symtrend-2026-03-12.db '"
st config set backup_keep_weekly 1
st config set backup_keep_daily 1
: >bk/symtrend-2026-03-08.db
SYMTREND_TODAY=2026-03-12 st nightly --inbox inbox --out rep; rc=$?
check "rotation: daily 1, weekly 1: today only (its week's newest)" test "$(ls bk | grep '^symtrend-2026-0[0-9]-[0-9]*\.db$' | grep -v 02-30 | tr '\n' ' ')" = 'symtrend-2026-03-12.db '
finish
