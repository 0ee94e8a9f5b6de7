#!/bin/sh
# t0100-cli: global options, help, version, exit codes, database selection.
. "$(dirname "$0")/lib.sh"

"$SYMTREND" --version >out 2>&1; rc=$?
check "--version exits 0" test $rc -eq 0
check "--version prints the version" grep -q '^symtrend [0-9]' out
"$SYMTREND" --help >out 2>&1
check "--help lists every command" sh -c 'for c in init ingest stats config report nightly; do grep -q "^  $c " out || exit 1; done'
check "--help documents exit codes" grep -q '3 internal or I/O failure' out
for c in init ingest stats config report nightly; do
	"$SYMTREND" "$c" --help >out 2>&1; rc=$?
	check "$c --help exits 0 with its usage" sh -c "test $rc -eq 0 && grep -q '^usage: symtrend $c' out"
done
"$SYMTREND" frobnicate >out 2>&1; rc=$?
check "unknown command is a usage error (2)" test $rc -eq 2
check "unknown command is named" grep -q "'frobnicate' is not a command" out
"$SYMTREND" >out 2>&1; rc=$?
check "no command is a usage error (2)" test $rc -eq 2
expect 3 "stats on a missing database is an I/O failure (3)" stats
grep_err "missing database says to run init" "run 'symtrend init'"
check "a missing database is not created by stats" test ! -e db
expect 0 "init creates the database" init
check "database is mode 0600" test "$(mode_of db)" = 600
check "schema version is in user_version" test "$(sqlv 'PRAGMA user_version')" = 7
check "database is in WAL mode" test "$(sqlv 'PRAGMA journal_mode')" = wal
expect 0 "init again is harmless" init
expect 2 "unknown option is a usage error" stats --bogus
expect 2 "bad --format is a usage error" stats --format xml
# Options are parsed from each command's table (issue 13 item 13, issue 10).
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nD1,2025-01-06,5,5,5,5\n' >./-x.csv
expect 2 "a file named like an option is a usage error" ingest -x.csv
grep_err "it names the option letter and the file" "unknown option '-x' in '-x.csv'"
grep_err "it says how to give such a file" "as './-x.csv'"
check "it does not call the command an option" sh -c "! grep -q \"unknown option 'ingest'\" err"
expect 0 "such a file goes after --" ingest -- -x.csv
expect 0 "or as ./-x.csv" ingest ./-x.csv
expect 2 "--format without a value is a usage error" stats --format
grep_err "it says the option needs a value" "option '--format' needs a value (text, csv or json)"
expect 2 "an option is not taken as the value of another" stats --format --clinic
grep_err "the missing value is named" "option '--format' needs a value"
expect 2 "--format=VALUE is checked too" stats --format=xml
grep_err "a bad choice lists the good ones" "option '--format' takes text, csv or json, not 'xml'"
expect 0 "--format=VALUE form" stats --format=csv
expect 0 "a unique prefix of an option works" stats --form csv
expect 2 "an ambiguous prefix is a usage error" stats --c
grep_err "an ambiguous prefix names the candidates" "option '--c' is ambiguous: --course, --clinic"
expect 2 "a flag takes no value" stats --clinic=yes
grep_err "a flag with a value is named" "option '--clinic' takes no value"
expect 2 "an empty value is no value" report clinic --out=
grep_err "an empty value says a value is needed" "option '--out' needs a value (DIR)"
expect 2 "an unknown option is named" stats --bogus
grep_err "the unknown option is quoted" "unknown option '--bogus'"
expect 2 "a bad date is named with its option" stats --from 2025-02-30
grep_err "the date's option and value are quoted" "option '--from' takes a date YYYY-MM-DD, not '2025-02-30'"
expect 2 "an extra argument is a usage error" stats extra
grep_err "the extra argument is named" "unexpected argument 'extra'"
mkdir -p inbox
expect 2 "--settle above 86400 is refused" nightly --inbox inbox --out o --dry-run --settle 86401
grep_err "--settle's bounds are the setting's" "--settle: 'settle_seconds' takes a whole number 0-86400"
expect 0 "--settle 86400 is accepted" nightly --inbox inbox --out o --dry-run --settle 86400
expect 2 "--course-gap 0 is refused" ingest --course-gap 0 ./-x.csv
grep_err "--course-gap's bounds are the setting's" "--course-gap: 'course_gap' takes a whole number 1-3650"
expect 2 "--course-gap 3651 is refused" ingest --course-gap 3651 ./-x.csv
expect 0 "--course-gap 3650 is accepted" ingest --course-gap 3650 ./-x.csv
check "--course-gap is kept as a setting" test "$(sqlv "SELECT value FROM config WHERE key='course_gap'")" = 3650
expect 0 "--help wins after other options" stats --format csv --help
check "... and prints the usage" grep -q '^usage: symtrend stats' out
# Settings: one table drives 'config list', 'config --help' and the checks.
"$SYMTREND" --db "$T/db" config list >list.out 2>&1
"$SYMTREND" config --help >help.out 2>&1
check "config --help describes every setting that config lists" sh -c '
	for k in $(sed "s/ .*//; s/^fatigue\./MEASURE./" list.out | grep -v "^sleep\.\|^focus\.\|^pain\." | sort -u); do
		grep -q "^  $k " help.out || { echo "missing $k"; exit 1; }
	done'
check "config --help shows the defaults from the table" grep -q '^  course_gap  *90  *days without a session' help.out
check "the course gap default is not written into ingest --help" sh -c "\"$SYMTREND\" ingest --help | grep -q 'the course_gap setting' && ! \"$SYMTREND\" ingest --help | grep -q 'default 90'"
printf 'patient_id,session_date,fatigue,sleep,focus\nX1,2025-01-01,1,2,3\n' >refused.csv
expect 1 "a refused file" ingest refused.csv
check "no message repeats its prefix" sh -c "! grep -q 'symtrend:.*symtrend:' err"
grep_err "the refusal and its reason are on one line" "^symtrend: file refused, nothing stored: refused.csv:1: missing required column 'pain'"
for c in init ingest stats config report nightly model alerts template; do
	"$SYMTREND" "$c" --help >out 2>&1
	# Every option the usage line shows is described under options, from the table.
	check "$c --help describes every option of its usage" sh -c '
		for o in $(sed -n "/^usage:/,/^\$/p" out | grep -o -- "--[a-z-]*" | sort -u); do
			[ "$o" = --help ] && continue
			grep -q -- "^  $o[ =]" out || grep -q -- "^      $o " out || { echo "missing $o"; exit 1; }
		done'
done
# A database as version 2 left it: without the referral letter's columns.
V3_UNDO="DROP TABLE therapists; ALTER TABLE sessions DROP COLUMN attendance;
ALTER TABLE sessions DROP COLUMN adverse_event; ALTER TABLE patients DROP COLUMN name;
ALTER TABLE patients DROP COLUMN referral_reason; ALTER TABLE patients DROP COLUMN referral_date;
ALTER TABLE patients DROP COLUMN planned_sessions;"
V4_UNDO="DROP TABLE alert_reports; DROP TABLE alert_runs;"
V6_UNDO="DROP TABLE alert_acks; ALTER TABLE alerts DROP COLUMN open; ALTER TABLE alerts DROP COLUMN said;
ALTER TABLE alerts DROP COLUMN session_date; ALTER TABLE alerts DROP COLUMN closed;"
V7_UNDO="DROP TABLE audit; DROP TABLE audit_key; DROP TABLE output_dirs;"
sqlv "$V7_UNDO $V6_UNDO $V4_UNDO $V3_UNDO DROP TABLE alerts; PRAGMA user_version=1"
expect 0 "init migrates a version 1 database forward" init
check "migration 1 -> 2 added the alerts table" test "$(sqlv "SELECT count(*) FROM sqlite_schema WHERE name='alerts'") $(sqlv 'PRAGMA user_version')" = "1 7"
sqlv "$V7_UNDO $V6_UNDO $V4_UNDO $V3_UNDO PRAGMA user_version=2"
expect 0 "init migrates a version 2 database forward" init
check "migration 2 -> 3 added the letter's columns and the therapists table" test "$(sqlv "SELECT count(*) FROM pragma_table_info('sessions') WHERE name IN ('attendance','adverse_event')") $(sqlv "SELECT count(*) FROM pragma_table_info('patients') WHERE name IN ('name','referral_reason','referral_date','planned_sessions')") $(sqlv "SELECT count(*) FROM sqlite_schema WHERE name='therapists'") $(sqlv 'PRAGMA user_version')" = "2 4 1 7"
sqlv "$V7_UNDO $V6_UNDO $V4_UNDO PRAGMA user_version=3"
expect 0 "init migrates a version 3 database forward" init
check "migration 3 -> 4 added the alert runs and reports" test "$(sqlv "SELECT count(*) FROM sqlite_schema WHERE name IN ('alert_runs', 'alert_reports')") $(sqlv 'PRAGMA user_version')" = "2 7"
sqlv "$V7_UNDO PRAGMA user_version=6"
expect 0 "init migrates a version 6 database forward" init
check "migration 6 -> 7 added the audit log, its key (32 bytes) and the output folders" test "$(sqlv "SELECT count(*) FROM sqlite_schema WHERE name IN ('audit', 'audit_key', 'output_dirs')") $(sqlv "SELECT length(key) FROM audit_key") $(sqlv 'PRAGMA user_version')" = "3 32 7"
sqlv "PRAGMA user_version=8"
expect 3 "a newer schema is refused" init
grep_err "newer schema is named" "schema version 8, newer than this symtrend supports (7)"
check "the newer database was not changed" test "$(sqlv 'PRAGMA user_version')" = 8
sqlv "PRAGMA user_version=7"
printf 'not a database at all, somebody else''s file\n' >junk.db
"$SYMTREND" --db junk.db init >out 2>err; rc=$?
check "a file that is not a database: exit 3, not overwritten" sh -c "test $rc -eq 3 && grep -q 'not a database' err && grep -q 'somebody' junk.db"
"$SYMTREND" --db=db2 init >/dev/null 2>&1
check "--db=PATH form works" test -f db2
SYMTREND_DB=$T/db3 "$SYMTREND" init >/dev/null 2>&1
check "\$SYMTREND_DB selects the database" test -f db3
(mkdir -p sub && cd sub && "$SYMTREND" init >/dev/null 2>&1)
check "default database is ./symtrend.db" test -f sub/symtrend.db
"$SYMTREND" init --db db4 >/dev/null 2>&1
check "--db also works after the command" test -f db4
"$SYMTREND" --db >out 2>&1; rc=$?
check "--db without a path is a usage error" test $rc -eq 2
# A setting that cannot be read is an error, not silently the default.
cp db db-broken
sqlite3 db-broken "DROP TABLE config"
"$SYMTREND" --db db-broken config get course_gap >out 2>err; rc=$?
check "an unreadable setting: exit 3 with the database's reason" sh -c "test $rc -eq 3 && grep -q 'no such table: config' err && ! grep -q 90 out"
# The project is complete in a clone: nothing points outside it.
check "no help, manual or doc points outside the project" sh -c "
	! grep -rq 'shared/CONTRACT' '$TOP/README.md' '$TOP/doc' &&
	! \"$SYMTREND\" stats --help | grep -q 'shared/' &&
	test -f '$TOP/doc/contract.md'"
finish
