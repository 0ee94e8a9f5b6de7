#!/bin/sh
# t0910-store: the store's data edges through the CLI: a referral date
# before 1970 (1969-12-31 is day -1, which is a date, not "not given"),
# from CSV and from a workbook's date cells, read back in the letter.
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
finish
