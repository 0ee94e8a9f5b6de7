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
check "schema version is in user_version" test "$(sqlv 'PRAGMA user_version')" = 4
check "database is in WAL mode" test "$(sqlv 'PRAGMA journal_mode')" = wal
expect 0 "init again is harmless" init
expect 2 "unknown option is a usage error" stats --bogus
expect 2 "bad --format is a usage error" stats --format xml
# A database as version 2 left it: without the referral letter's columns.
V3_UNDO="DROP TABLE therapists; ALTER TABLE sessions DROP COLUMN attendance;
ALTER TABLE sessions DROP COLUMN adverse_event; ALTER TABLE patients DROP COLUMN name;
ALTER TABLE patients DROP COLUMN referral_reason; ALTER TABLE patients DROP COLUMN referral_date;
ALTER TABLE patients DROP COLUMN planned_sessions;"
V4_UNDO="DROP TABLE alert_reports; DROP TABLE alert_runs;"
sqlv "$V4_UNDO $V3_UNDO DROP TABLE alerts; PRAGMA user_version=1"
expect 0 "init migrates a version 1 database forward" init
check "migration 1 -> 2 added the alerts table" test "$(sqlv "SELECT count(*) FROM sqlite_schema WHERE name='alerts'") $(sqlv 'PRAGMA user_version')" = "1 4"
sqlv "$V4_UNDO $V3_UNDO PRAGMA user_version=2"
expect 0 "init migrates a version 2 database forward" init
check "migration 2 -> 3 added the letter's columns and the therapists table" test "$(sqlv "SELECT count(*) FROM pragma_table_info('sessions') WHERE name IN ('attendance','adverse_event')") $(sqlv "SELECT count(*) FROM pragma_table_info('patients') WHERE name IN ('name','referral_reason','referral_date','planned_sessions')") $(sqlv "SELECT count(*) FROM sqlite_schema WHERE name='therapists'") $(sqlv 'PRAGMA user_version')" = "2 4 1 4"
sqlv "$V4_UNDO PRAGMA user_version=3"
expect 0 "init migrates a version 3 database forward" init
check "migration 3 -> 4 added the alert runs and reports" test "$(sqlv "SELECT count(*) FROM sqlite_schema WHERE name IN ('alert_runs', 'alert_reports')") $(sqlv 'PRAGMA user_version')" = "2 4"
sqlv "PRAGMA user_version=7"
expect 3 "a newer schema is refused" init
grep_err "newer schema is named" "schema version 7, newer than this symtrend supports (4)"
check "the newer database was not changed" test "$(sqlv 'PRAGMA user_version')" = 7
sqlv "PRAGMA user_version=4"
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
finish
