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

# --- 10: look-alike patient ids are one patient, or rejected ----------------
pid_of() { sqlv "SELECT count(*) FROM sessions s JOIN patients p ON p.id=s.patient WHERE p.patient_id='$1'"; }
{
	printf '%s,therapist\n' "$H"
	printf 'LA1,2025-01-01,5,5,5,5,Anna Berg\n'
	printf 'LA1\302\240,2025-01-02,5,5,5,5,Anna Berg\n'        # NBSP
	printf '\342\200\213LA1,2025-01-03,5,5,5,5,Anna Berg\n'    # ZERO WIDTH SPACE
	printf '\357\274\254A1,2025-01-04,5,5,5,5,Anna Berg\n'     # FULLWIDTH L
	printf 'LA\343\200\2001,2025-01-05,5,5,5,5,Anna Berg\n'    # IDEOGRAPHIC SPACE
	printf 'LA1,2025-01-06,5,5,5,5,Anna\342\200\213Berg\n'     # ZWSP in a name
	printf 'LA1,2025-01-07,5,5,5,5,\357\274\241nna Berg\n'     # FULLWIDTH A in a name
	printf 'LA1,2025-01-08,5,5,5,5,Anna\302\240Berg\n'         # NBSP in a name
} >lookalike.csv
expect 1 "look-alike ids: the invisible and space-like ones are rejected" ingest lookalike.csv
check "NBSP in an id is rejected with its code point" grep -q '^3,patient_id has a space other than a plain space (U+00A0),' lookalike.csv.rejects.csv
check "ZERO WIDTH SPACE in an id is rejected" grep -q '^4,patient_id has an invisible character (U+200B),' lookalike.csv.rejects.csv
check "IDEOGRAPHIC SPACE in an id is rejected" grep -q '^6,patient_id has a space other than a plain space (U+3000),' lookalike.csv.rejects.csv
check "ZWSP in a therapist name is rejected" grep -q '^7,therapist has an invisible character (U+200B),' lookalike.csv.rejects.csv
check "full-width 'ＬA1' is folded (NFKC) into patient LA1" test "$(sqlv "SELECT p.patient_id FROM sessions s JOIN patients p ON p.id=s.patient WHERE session_date=(julianday('2025-01-04')-2440587.5)")" = LA1
check "no second look-alike patient exists" test "$(sqlv "SELECT count(*) FROM patients WHERE patient_id LIKE '%A1%'")" = 1
check "a full-width and an NBSP therapist name fold into one therapist" test "$(sqlv "SELECT count(DISTINCT therapist) FROM sessions s JOIN patients p ON p.id=s.patient WHERE p.patient_id='LA1'")" = 1

# --- 15: bidi controls in text are rejected with a reason -------------------
{
	printf '%s,notes,therapist\n' "$H"
	printf 'BD1,2025-01-01,5,5,5,5,fine \342\200\256txet desrever,\n'   # U+202E in notes
	printf 'BD1,2025-01-02,5,5,5,5,ok,Anna \342\201\246Berg\n'           # U+2066 in a name
	printf 'BD\342\200\2561,2025-01-03,5,5,5,5,ok,\n'                    # U+202E in an id
	printf 'BD1,2025-01-04,5,5,5,5,Ärztin: Schmerz \342\200\215 besser,\n' # ZWJ in notes is text
} >bidi.csv
expect 1 "bidi controls are rejected" ingest bidi.csv
check "U+202E in notes is rejected with its code point" grep -q '^2,notes has a bidirectional control character (U+202E),' bidi.csv.rejects.csv
check "U+2066 in a therapist name is rejected" grep -q '^3,therapist has a bidirectional control character (U+2066),' bidi.csv.rejects.csv
check "U+202E in an id is rejected" grep -q '^4,patient_id has a bidirectional control character (U+202E),' bidi.csv.rejects.csv
check "only the clean row is stored" test "$(pid_of BD1)" = 1

# --- 9: course ids never collide; a session is not stored twice ------------
printf '%s\nCC1,2025-01-01,6,6,6,6\nCC1,2025-01-08,5,5,5,5\nCC1,2025-01-15,4,4,4,4\n' "$H" >cc-derived.csv
expect 0 "sessions with derived courses" ingest cc-derived.csv
printf '%s,course_id\nCC1,2025-01-01,6,6,6,6,K1\nCC1,2025-01-08,5,5,5,5,K1\nCC1,2025-01-15,4,4,4,4,K1\n' "$H" >cc-named.csv
expect 1 "the same sessions again with a course_id column" ingest cc-named.csv
check "they are conflicts, not new sessions" grep -q '3 rows read, 0 stored, 0 already stored, 0 rejected, 3 conflicts' err
check "the reason says the session is in another course" grep -q '^2,"this patient has a session on this date in another course' cc-named.csv.rejects.csv
check "each session is stored once" test "$(pid_of CC1)" = 3
printf '%s,course_id\nCC1,2025-06-01,6,6,6,6,CC1-C1\nCC1,2025-06-08,5,5,5,5,CC1-C12\nCC1,2025-06-15,4,4,4,4,CC1-Cx\nCC2,2025-06-15,4,4,4,4,CC1-C1\n' "$H" >cc-collide.csv
expect 1 "a course_id shaped like the patient's derived ids" ingest cc-collide.csv
check "CC1-C1 is rejected with a reason" grep -q "^2,course_id is how symtrend names this patient's courses derived from dates" cc-collide.csv.rejects.csv
check "CC1-C12 is rejected too" grep -q "^3,course_id is how symtrend names" cc-collide.csv.rejects.csv
check "CC1-Cx is not a derived id: stored" grep -q '4 rows read, 2 stored, 0 already stored, 2 rejected' err
expect 0 "stats --course CC1-C1" stats --course CC1-C1 --format csv
check "finds exactly one course" test "$(grep -c '^CC1,CC1-C1,fatigue,' out)" = 1

# --- 11: a patients file that changes is a conflict unless --update-patients -
printf 'patient_id,referrer,indication\nUP1,Dr A,chronic stress\nUP2,Dr B,\n' >up1.csv
expect 0 "a patients file" ingest --patients up1.csv
expect 0 "the same file again" ingest --patients up1.csv
check "is already stored" grep -q '2 rows read, 0 stored, 2 already stored, 0 rejected, 0 conflicts' err
printf 'patient_id,referrer,indication\nUP1,Dr Z,chronic stress\nUP2,,low back pain\nUP1,,\n' >up2.csv
expect 1 "a patients file that changes a referrer" ingest --patients up2.csv
check "the change is a conflict; filling in an empty value is stored" grep -q '3 rows read, 1 stored, 1 already stored, 0 rejected, 1 conflicts' err
check "the conflict names the column, in the patients file's rejects" grep -q '^2,differs from the stored patient in referrer; not applied (--update-patients applies it),' up2.csv.rejects.csv
check "the stored referrer is unchanged" test "$(sqlv "SELECT referrer FROM patients WHERE patient_id='UP1'")" = "Dr A"
check "the empty indication was filled in" test "$(sqlv "SELECT indication FROM patients WHERE patient_id='UP2'")" = "low back pain"
printf 'patient_id,referrer,indication\nUP3,Dr A,x\nUP3,Dr B,x\n' >up3.csv
expect 1 "a second, different row for one patient in one file" ingest --patients up3.csv
check "is a conflict" grep -q '2 rows read, 1 stored, 0 already stored, 0 rejected, 1 conflicts' err
expect 0 "--update-patients applies the change" ingest --update-patients --patients up2.csv
check "the referrer is replaced" test "$(sqlv "SELECT referrer FROM patients WHERE patient_id='UP1'")" = "Dr Z"
check "an empty cell erases nothing" test "$(sqlv "SELECT indication FROM patients WHERE patient_id='UP1'")" = "chronic stress"

# --- 13: the advice names the real problem ----------------------------------
printf 'patient_id,session_date,fatigue,sleep,focus,pain\rHA1,2025-01-01,1,1,1,1\r' >cr-only.csv
expect 1 "a file whose lines end in CR alone is refused" ingest cr-only.csv
grep_err "and told about its line endings" "lines end in a CR alone: save it with LF or CRLF"
check "not told to declare a measure" sh -c "! grep -q -- '--measure' err"
# Whether or not the ';', tab and spaced headers are read (the dialects
# work reads them), none of them is told to declare a measure.
printf 'patient_id;session_date;fatigue;sleep;focus;pain\nHA2;2025-01-01;1;1;1;1\n' >semi.csv
printf 'patient_id\tsession_date\tfatigue\tsleep\tfocus\tpain\nHA3\t2025-01-01\t1\t1\t1\t1\n' >tab.csv
printf 'patient_id, session_date ,fatigue,sleep,focus,pain\nHA4,2025-01-01,1,1,1,1\n' >spaced.csv
for f in semi tab spaced; do
	st ingest $f.csv
	check "a $f header is not told to declare a measure" sh -c "! grep -q -- '--measure' err"
done
printf '%s,Blood pressure\nHA5,2025-01-01,1,1,1,1,120\n' "$H" >bp.csv
expect 1 "a column that cannot be a measure name" ingest bp.csv
check "is not told to declare it with --measure" sh -c "! grep -q -- '--measure' err"
printf '%s,dizziness\nHA6,2025-01-01,1,1,1,1,3\n' "$H" >dz.csv
expect 1 "a column that could be a measure" ingest dz.csv
grep_err "is told to declare it" "declare an extra measure with --measure NAME"
long=$(printf 'a%.0s' $(seq 300))
expect 3 "report into a folder whose name is too long" report clinic --out "$T/$long"
grep_err "says why the folder cannot be created" "cannot create folder '.*': File name too long"

# --- 14: a reader who may not write the database's folder ------------------
# The database (WAL mode) in a folder the reader cannot write: SQLite cannot
# create the -shm file.  As root the reader is 'nobody'; otherwise the
# folder is made read-only for ourselves.
as_reader=""
if [ "$(id -u)" = 0 ]; then
	if runuser -u nobody -- true 2>/dev/null; then as_reader="runuser -u nobody --"
	elif setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
		as_reader="setpriv --reuid=65534 --regid=65534 --clear-groups"
	fi
else
	as_reader=env
fi
if [ -n "$as_reader" ]; then
	# The reader must reach what it runs: the binary under test may live in
	# a clone inside a private (0700) folder, such as root's home or a
	# 'mktemp -d'.  So the binary is copied into the scratch folder, and the
	# scratch folder is one the reader can walk into: $T (made 0711 here)
	# when its parents let the reader through, else a folder made for it in
	# /tmp.
	chmod 711 "$T"
	R=$T/ro
	if ! $as_reader test -x "$T" 2>/dev/null; then
		R=$(mktemp -d /tmp/symtrend-reader.XXXXXX) && chmod 711 "$R"
		trap 'rm -rf "$T" "$R"' EXIT
	fi
	mkdir -p "$R/dbdir" "$R/out" "$R/bin"
	cp "$SYMTREND" "$R/bin/symtrend"
	"$SYMTREND" --db "$R/dbdir/db" ingest cc-derived.csv >/dev/null 2>&1
	chmod 755 "$R" "$R/bin"
	chmod 755 "$R/bin/symtrend"
	chmod 644 "$R/dbdir/db"
	chmod 777 "$R/out"
	chmod 555 "$R/dbdir"
	reader_st() { $as_reader "$R/bin/symtrend" --db "$R/dbdir/db" "$@"; }
	reader_st stats --format csv >"$R/out/stats.csv" 2>"$R/out/err"
	check "stats works for a reader who cannot write the database's folder" test $? -eq 0
	check "and prints the courses" grep -q '^CC1,CC1-C1,fatigue,3,' "$R/out/stats.csv"
	reader_st report clinic --out "$R/out" >/dev/null 2>"$R/out/err"; rc=$?
	check "report clinic works for that reader, writing elsewhere" test -f "$R/out/clinic/report.txt"
	check "... but the audit log cannot take its row: said, exit 3" sh -c "test $rc -eq 3 && grep -q 'written, but not in the audit log' '$R/out/err'"
	check "... and the database is unchanged (no row)" test "$(sqlite3 "$R/dbdir/db" 'SELECT count(*) FROM audit')" -eq 0
	check "the database folder is left as it was" test "$(ls -A "$R/dbdir")" = db
	# A -wal holding changes cannot be read immutable: said, not misread.
	printf 'not empty' >"$R/dbdir/db-wal"
	reader_st stats --format csv >/dev/null 2>"$R/out/err"
	check "changes waiting in a -wal the reader cannot use are an error that says so" \
		grep -q 'its -wal file holds changes not yet in the database' "$R/out/err"
	chmod 755 "$R/dbdir"
	chmod 700 "$T"
else
	skip "stats works for a reader who cannot write the database's folder" "no other user to run as"
fi

finish
