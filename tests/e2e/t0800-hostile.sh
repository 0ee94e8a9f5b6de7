#!/bin/sh
# t0800-hostile: what a careless or hostile world does to ingest (issue 13):
# rejects files that would land on inputs, devices or the database; formulas
# and NUL bytes in rejects; durable commits; dates before 1970 and in the
# future; the run date in local time; stale rejects files; look-alike ids;
# bidi controls; course id collisions; patients files that change; a reader
# without write access to the database folder.
. "$(dirname "$0")/lib.sh"

H=patient_id,session_date,fatigue,sleep,focus,pain
SHIM=$TOP/build/fault.so
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"

# --- 1: --rejects never writes over an input, a device or the database ------
printf '%s\nR1,2025-04-01,55,5,5,5\n' "$H" >in.csv
cp in.csv in.orig
expect 2 "--rejects naming the input file is a usage error" ingest --rejects in.csv in.csv
check "the input file is left as it was" cmp in.csv in.orig
grep_err "says the rejects file is the input" "is the input file: not written over"
check "nothing of the file is stored" test "$(sqlv 'SELECT count(*) FROM sessions')" = 0
ln in.csv hardlink.csv
expect 2 "--rejects naming a hard link of the input" ingest --rejects hardlink.csv in.csv
check "the input behind the hard link is left as it was" cmp in.csv in.orig
expect 2 "--rejects /dev/full is refused" ingest --rejects /dev/full in.csv
check "/dev/full is still a character device" test -c /dev/full
grep_err "says it is not a regular file" "not a regular file"
if mknod mynull c 1 3 2>/dev/null; then
	expect 2 "--rejects naming a device node is refused" ingest --rejects mynull in.csv
	check "the device node is still a device" test -c mynull
else
	skip "--rejects naming a device node is refused" "mknod not permitted"
	skip "the device node is still a device" "mknod not permitted"
fi
ln -s in.csv link.csv
expect 2 "--rejects naming a symbolic link is refused" ingest --rejects link.csv in.csv
check "the link still points to the input" test "$(readlink link.csv)" = in.csv
mkdir adir
expect 2 "--rejects naming a folder is refused" ingest --rejects adir in.csv
expect 2 "--rejects naming the database is refused" ingest --rejects "$T/db" in.csv
check "the database is still a database" test "$(sqlv 'SELECT count(*) FROM measures')" = 4
expect 2 "--rejects naming the database's WAL is refused" ingest --rejects "$T/db-wal" in.csv
ls /dev/stdin.rejects.csv >/dev/null 2>&1 && had_stdin_rejects=1 || had_stdin_rejects=0
printf '%s\nR2,2025-04-01,55,5,5,5\n' "$H" | "$SYMTREND" --db "$T/db" ingest /dev/stdin >out 2>err
check "ingest /dev/stdin without --rejects exits 2" test $? -eq 2
check "and says to name a rejects file" grep -q "not a regular file.*--rejects PATH" err
if [ "$had_stdin_rejects" = 0 ]; then
	check "no /dev/stdin.rejects.csv is created" test ! -e /dev/stdin.rejects.csv
fi
printf '%s\nR2,2025-04-01,55,5,5,5\nR2,2025-04-02,5,5,5,5\n' "$H" |
	"$SYMTREND" --db "$T/db" ingest --rejects "$T/stdin.rej" /dev/stdin >out 2>err
check "ingest /dev/stdin with --rejects PATH works" test $? -eq 1
check "its rejects are at PATH" grep -q '^2,fatigue is out of range' stdin.rej

# --- 6, 15: formulas and NUL bytes in rejects' raw --------------------------
{
	printf '%s\n' "$H"
	printf '=HYPERLINK("http://x.invalid";"click"),2025-01-01,1,1,1,1\n'
	printf '@SUM(A1),2025-01-01,99,1,1,1\n'
	printf '+1,2025-01-01,99,1,1,1\n'
	printf -- '-1,2025-01-01,99,1,1,1\n'
	printf '\tT1,2025-01-01,99,1,1,1\n'
	printf 'N1,2025-01-01,9\0009,1,1,1\n'
} >formula.csv
expect 1 "rows with formulas and a NUL byte are rejected" ingest formula.csv
check "a raw record starting with = is quoted with a leading apostrophe" \
	grep -q "^2,.*,\"'=HYPERLINK(\"\"http" formula.csv.rejects.csv
check "@ gets the apostrophe" grep -q "^3,.*,\"'@SUM(A1)" formula.csv.rejects.csv
check "+ gets the apostrophe" grep -q "^4,.*,\"'+1," formula.csv.rejects.csv
check "- gets the apostrophe" grep -q "^5,.*,\"'-1," formula.csv.rejects.csv
check "a leading tab gets the apostrophe" grep -q "^6,.*,\"'	T1," formula.csv.rejects.csv
check "no cell of the rejects file starts with a formula character" \
	sh -c "! grep -Eq '(^|,)\"?[-=+@]' formula.csv.rejects.csv"
check "the rejects file has no NUL byte" sh -c "tr -d '\000' <formula.csv.rejects.csv | cmp -s - formula.csv.rejects.csv"
check "a NUL byte is shown as U+2400 in raw" grep -q '^7,contains a NUL byte,"N1,2025-01-01,9␀9,' formula.csv.rejects.csv

# --- 4: a file said "stored" is synced to the WAL before it is said ---------
printf '%s\nW1,2025-01-01,1,2,3,4\n' "$H" >w1.csv
printf '%s\nW2,2025-01-01,1,2,3,4\n' "$H" >w2.csv
printf '%s\nW3,2025-01-01,1,2,3,4\n' "$H" >w3.csv
FAULT_PATH=db-wal FAULT_AFTER=999999999 FAULT_SYNCLOG=1 LD_PRELOAD=$SHIM \
	"$SYMTREND" --db "$T/db" ingest w1.csv w2.csv w3.csv >out 2>err
check "three files ingested" grep -q '3 files (0 refused): 3 rows read, 3 stored' err
# Every per-file "ingest: wN.csv:" line must follow a sync of the WAL made
# after the previous one (synchronous=FULL for the ingest commit).
check "each file's commit is synced before it is acknowledged" awk '
	/^fault: f(data)?sync of a db-wal file/ { synced = 1; next }
	/^ingest: w[0-9].csv: / { if (!synced) bad = 1; synced = 0; files++ }
	END { exit (bad || files != 3) }' err
FAULT_PATH=db-wal FAULT_AFTER=999999999 FAULT_FSYNC=1 LD_PRELOAD=$SHIM \
	"$SYMTREND" --db "$T/db" ingest w1.csv >out 2>err
check "a commit whose sync fails is an I/O failure" test $? -eq 3
check "and is not acknowledged" sh -c "! grep -q 'stored' err"

# --- 12: dates before 1970, after tomorrow; the local run date --------------
printf '%s\nOLD1,1969-12-31,5,5,5,5\nOLD1,1960-01-01,6,6,6,6\nOLD1,1900-01-01,7,7,7,7\n' "$H" >old.csv
expect 0 "sessions before 1970 are stored" ingest old.csv
check "1969-12-31 is day -1, not an error" test "$(sqlv "SELECT group_concat(session_date) FROM (SELECT session_date FROM sessions s JOIN patients p ON p.id=s.patient WHERE p.patient_id='OLD1' ORDER BY 1)")" = "-25567,-3653,-1"
expect 0 "stats --from 1960-01-01 is valid" stats --from 1960-01-01 --format csv
check "and finds the course that starts then" grep -q '^OLD1,OLD1-C' out
expect 0 "stats --to 1969-12-31 is valid" stats --to 1969-12-31 --format csv
printf '%s\nFUT1,2030-01-01,5,5,5,5\nFUT1,2030-01-02,5,5,5,5\nFUT1,2030-01-03,5,5,5,5\nFUT1,9999-12-31,5,5,5,5\n' "$H" >future.csv
SYMTREND_TODAY=2030-01-01 expect 1 "a session after tomorrow is rejected" ingest future.csv
check "today and tomorrow are stored, later days are not" grep -q '4 rows read, 2 stored, 0 already stored, 2 rejected' err
check "the reason names the date and the run date" grep -q '^4,session_date 2030-01-03 is after tomorrow (the run date is 2030-01-01),' future.csv.rejects.csv
check "9999-12-31 is rejected too" grep -q '^5,session_date 9999-12-31 is after tomorrow' future.csv.rejects.csv
# The run date is the local date: at 23:30 UTC it is already tomorrow in
# UTC+2, and yesterday in UTC-2.
now=$(date -u +%s)
d_east=$(TZ=Etc/GMT-14 date -d "@$now" +%Y-%m-%d)
mkdir -p inbox-tz
TZ=Etc/GMT-14 "$SYMTREND" --db "$T/db" nightly --settle 0 --inbox inbox-tz --out night-tz >out 2>err
check "the nightly folder is named by the local date (TZ=Etc/GMT-14)" test -d "night-tz/$d_east"
TZ=Etc/GMT+12 "$SYMTREND" --db "$T/db" nightly --settle 0 --inbox inbox-tz --out night-tz2 >out 2>err
check "and by the local date in TZ=Etc/GMT+12" test -d "night-tz2/$(TZ=Etc/GMT+12 date +%Y-%m-%d)"
# A file modified "in the future" (a skewed clock) is settled, not left forever.
mkdir -p inbox-fut
printf '%s\nMT1,2025-01-01,5,5,5,5\n' "$H" >inbox-fut/mtime.csv
touch -d '2099-01-01' inbox-fut/mtime.csv
"$SYMTREND" --db "$T/db" nightly --settle 60 --inbox inbox-fut --out night-fut >out 2>err
check "a file with a future modification time is ingested" test "$(sqlv "SELECT count(*) FROM sessions s JOIN patients p ON p.id=s.patient WHERE p.patient_id='MT1'")" = 1

# --- 13: a stale rejects file goes after a clean re-ingest -----------------
printf '%s\nS1,2025-01-01,55,5,5,5\n' "$H" >stale.csv
expect 1 "a file with a bad row" ingest stale.csv
check "has a rejects file" test -f stale.csv.rejects.csv
printf '%s\nS1,2025-01-01,5,5,5,5\n' "$H" >stale.csv
expect 0 "the fixed file is ingested cleanly" ingest stale.csv
check "its old rejects file is removed" test ! -e stale.csv.rejects.csv
grep_err "and the user is told" "old rejects file of stale.csv was removed"
printf 'my own notes\n' >notmine.csv
expect 0 "a clean ingest with --rejects naming a file that is not a rejects file" ingest --rejects notmine.csv stale.csv
check "leaves that file alone" test "$(cat notmine.csv)" = "my own notes"
# --rejects together with --patients: the rejects of the sessions file.
printf 'patient_id,referrer,indication\nPP1,Dr A,chronic stress\n' >pp.csv
printf '%s\nPP1,2025-01-01,55,5,5,5\nPP1,2025-01-02,5,5,5,5\n' "$H" >ps.csv
expect 1 "--rejects with --patients and a sessions file" ingest --patients pp.csv --rejects "$T/ps.rej" ps.csv
check "the sessions file's rejects are at PATH" grep -q '^2,fatigue is out of range' ps.rej
check "the patients file is stored" test "$(sqlv "SELECT indication FROM patients WHERE patient_id='PP1'")" = "chronic stress"
expect 2 "--rejects with two sessions files is a usage error" ingest --rejects "$T/x.rej" ps.csv stale.csv
# A refused file's message has one prefix, not two.
printf 'nonsense\n' >refused.csv
expect 1 "a file that is not a sessions file is refused" ingest refused.csv
check "the message does not repeat 'symtrend:'" sh -c "! grep -q 'symtrend:.*symtrend:' err"

finish
