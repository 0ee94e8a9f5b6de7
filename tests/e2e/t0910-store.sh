#!/bin/sh
# t0910-store: the store's data edges through the CLI: a referral date
# before 1970 (1969-12-31 is day -1, which is a date, not "not given"),
# from CSV and from a workbook's date cells, read back in the letter; ids
# stored by older versions folded (NFKC) by the migration, look-alike ids
# that would become one refused with the database unchanged.
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY=2026-11-25
DD=$DATA/dialects

printf 'patient_id,session_date,fatigue,sleep,focus,pain\nR1,2026-03-01,6,5,5,4\nR1,2026-03-05,6,5,5,4\nR1,2026-03-10,5,5,4,4\nX01,2026-03-01,6,5,5,4\nX01,2026-03-05,5,5,4,4\n' >s.csv
printf 'patient_id,referrer,referral_reason\nR1,Dr. A,fatigue\n' >p0.csv
printf 'patient_id,referrer,referral_reason,referral_date\nR1,Dr. A,fatigue,1969-12-31\n' >p1.csv
printf 'patient_id,referrer,referral_reason,referral_date\nR1,Dr. A,fatigue,1969-12-30\n' >p2.csv

# --- referral_date 1969-12-31 (day -1) -------------------------------------------
expect 0 "sessions and a patient without a referral date" ingest --patients p0.csv s.csv
expect 0 "the referral date 1969-12-31 fills in the stored patient" ingest --patients p1.csv
grep_err "it is stored, not 'already stored'" "p1.csv: 1 rows read, 1 stored, 0 already stored"
check "stored as day -1" test "$(sqlv "SELECT referral_date FROM patients WHERE patient_id='R1'")" = -1
expect 0 "the same file again" ingest --patients p1.csv
grep_err "is already stored" "p1.csv: 1 rows read, 0 stored, 1 already stored"
expect 1 "a different date before 1970 is a conflict" ingest --patients p2.csv
grep_err "naming the column" "referral_date"
check "the conflict is not applied" test "$(sqlv "SELECT referral_date FROM patients WHERE patient_id='R1'")" = -1
expect 0 "letter for R1" report note --patient R1 --out rep
check "the letter gives the referral date 1969-12-31" grep -q '^Referred on 1969-12-31 for fatigue' rep/R1/note.txt
check "the HTML letter too" grep -q 'Referred on 1969-12-31 for fatigue' rep/R1/note.html
expect 0 "--update-patients applies 1969-12-30" ingest --update-patients --patients p2.csv
check "stored as day -2" test "$(sqlv "SELECT referral_date FROM patients WHERE patient_id='R1'")" = -2

# --- a workbook's date cells in referral_date ------------------------------------
cp "$DD/patients.xlsx" patients.xlsx
expect 1 "patients workbook: date cells read, a number cell rejected" ingest --patients patients.xlsx
grep_err "four stored" "patients.xlsx: 5 rows read, 4 stored, 0 already stored, 1 rejected"
check "a number cell is no date, row 6" grep -q '^6,"referral_date is a number, not a date (format the cell as a date): '"'45678'"'",' patients.xlsx.rejects.csv
check "date cells: 1969-12-31, a date with a time, 1900-03-01, empty" test \
	"$(sqlv "SELECT patient_id || '=' || coalesce(referral_date, 'none') FROM patients WHERE patient_id LIKE 'X%' ORDER BY patient_id" | tr '\n' ' ')" = \
	"X01=-1 X02=20108 X03=-25508 X04=none "
expect 0 "letter for X01" report note --patient X01 --out rep
check "the workbook's 1969-12-31 in the letter" grep -q '^Referred on 1969-12-31 for fatigue' rep/X01/note.txt
expect 1 "the workbook again" ingest --patients patients.xlsx
grep_err "its date cells are already stored" "patients.xlsx: 5 rows read, 0 stored, 4 already stored, 1 rejected, 0 conflicts"

# --- migration 5: stored ids folded ---------------------------------------------
# Old databases are made from a new one: the later migrations undone, the ids
# written as a version before folding could store them.
FW_Q=$(printf '\357\274\261')   # U+FF31 FULLWIDTH LATIN CAPITAL LETTER Q
FW_C=$(printf '\357\274\243')   # U+FF23 FULLWIDTH LATIN CAPITAL LETTER C
V3_UNDO="DROP TABLE therapists; ALTER TABLE sessions DROP COLUMN attendance;
ALTER TABLE sessions DROP COLUMN adverse_event; ALTER TABLE patients DROP COLUMN name;
ALTER TABLE patients DROP COLUMN referral_reason; ALTER TABLE patients DROP COLUMN referral_date;
ALTER TABLE patients DROP COLUMN planned_sessions;"
V4_UNDO="DROP TABLE alert_reports; DROP TABLE alert_runs;"
V6_UNDO="DROP TABLE alert_acks; ALTER TABLE alerts DROP COLUMN open; ALTER TABLE alerts DROP COLUMN said;
ALTER TABLE alerts DROP COLUMN session_date; ALTER TABLE alerts DROP COLUMN closed;"
V7_UNDO="DROP TABLE audit; DROP TABLE audit_key; DROP TABLE output_dirs;"
old_db() { # NAME VERSION: sessions of Q1 (two courses by course_id) and Q2
	rm -f "$T/$1"
	printf 'patient_id,session_date,course_id,fatigue,sleep,focus,pain\nQ1,2025-01-01,C1,6,5,5,4\nQ1,2025-01-08,C1,5,5,5,4\nQ1,2025-02-01,C2,5,5,4,4\nQ2,2025-01-02,,6,5,5,4\nQ2,2025-01-09,,4,5,5,4\n' >q.csv
	"$SYMTREND" --db "$T/$1" ingest q.csv >/dev/null 2>&1
	sqlite3 "$T/$1" "$V7_UNDO $V6_UNDO INSERT INTO alerts VALUES('Q1','C1','fatigue','worse','d','2025-01-08','2025-01-08')"
	case $2 in
	1) sqlite3 "$T/$1" "$V4_UNDO $V3_UNDO DROP TABLE alerts; PRAGMA user_version=1" ;;
	2) sqlite3 "$T/$1" "$V4_UNDO $V3_UNDO PRAGMA user_version=2" ;;
	3) sqlite3 "$T/$1" "$V4_UNDO PRAGMA user_version=3" ;;
	4) sqlite3 "$T/$1" "PRAGMA user_version=4" ;;
	esac
}
for v in 1 2 3 4; do
	old_db v$v.db $v
	# what the older version stored: full-width ids and course ids
	sqlite3 "$T/v$v.db" "UPDATE patients SET patient_id='${FW_Q}1' WHERE patient_id='Q1';
		UPDATE sessions SET label='${FW_C}1' WHERE label='C1'"
	[ $v -ge 2 ] && sqlite3 "$T/v$v.db" "UPDATE alerts SET patient_id='${FW_Q}1', course_id='${FW_C}1'"
	"$SYMTREND" --db "$T/v$v.db" init >out 2>err; rc=$?
	check "version $v: init migrates forward" test "$rc $(sqlite3 "$T/v$v.db" 'PRAGMA user_version')" = "0 7"
	check "version $v: the stored ids are folded" test \
		"$(sqlite3 "$T/v$v.db" "SELECT group_concat(patient_id) FROM (SELECT patient_id FROM patients ORDER BY 1)") $(sqlite3 "$T/v$v.db" "SELECT group_concat(DISTINCT label) FROM (SELECT label FROM sessions ORDER BY 1)")" = "Q1,Q2 ,C1,C2"
	[ $v -ge 2 ] && check "version $v: the alert is keyed by the folded ids" test \
		"$(sqlite3 "$T/v$v.db" "SELECT patient_id || '/' || course_id FROM alerts")" = "Q1/C1"
	printf 'patient_id,session_date,course_id,fatigue,sleep,focus,pain\nQ1,2025-01-15,C1,4,5,5,4\n' >q1.csv
	"$SYMTREND" --db "$T/v$v.db" ingest q1.csv >out 2>err
	check "version $v: the next file's Q1 and C1 find the stored patient and course" test \
		"$(sqlite3 "$T/v$v.db" "SELECT count(*) FROM patients") $(sqlite3 "$T/v$v.db" "SELECT count(*) FROM sessions WHERE label='C1'")" = "2 3"
done

# Two stored ids that fold to one: refused, naming the rows, nothing changed.
old_db clash.db 3
sqlite3 "$T/clash.db" "UPDATE patients SET patient_id='${FW_Q}1' WHERE patient_id='Q2'"
before=$(sqlite3 "$T/clash.db" .dump | sha256sum)
"$SYMTREND" --db "$T/clash.db" init >out 2>err; rc=$?
check "ids that fold to one: init refuses (exit 3)" test "$rc" = 3
check "the error names the patients rows and why" grep -q "cannot be upgraded, nothing changed: patients rows 1, 2 hold ids that are one id once Unicode compatibility forms are folded (NFKC)" err
check "the database is unchanged" test "$(sqlite3 "$T/clash.db" .dump | sha256sum)" = "$before"
check "and still at version 3" test "$(sqlite3 "$T/clash.db" 'PRAGMA user_version')" = 3
"$SYMTREND" --db "$T/clash.db" ingest q1.csv >out 2>err; rc=$?
check "every writer is refused the same way" sh -c "test $rc = 3 && grep -q 'patients rows 1, 2' err"
old_db clash2.db 1
sqlite3 "$T/clash2.db" "INSERT INTO sessions(patient, label, session_date, fatigue, file, line)
	SELECT patient, '${FW_C}1', session_date, 1, file, line FROM sessions WHERE label='C1' AND session_date=20089"
before=$(sqlite3 "$T/clash2.db" .dump | sha256sum)
"$SYMTREND" --db "$T/clash2.db" init >out 2>err; rc=$?
check "course ids that fold to one on one day: refused" sh -c "test $rc = 3 && grep -q 'nothing changed: sessions of patients row 1 on 2025-01-01 (2 course ids) hold ids' err"
check "that database is unchanged too" test "$(sqlite3 "$T/clash2.db" .dump | sha256sum)" = "$before"
finish
