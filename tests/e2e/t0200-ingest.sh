#!/bin/sh
# t0200-ingest: every bad-input rule of CONTRACT.md, the rejects file,
# BOM/CRLF/quoted newlines, re-ingest, conflicts, derived courses, patients
# files, extra measures, and files refused whole leaving the database as it was.
. "$(dirname "$0")/lib.sh"

H=patient_id,session_date,fatigue,sleep,focus,pain

# --- every row rule, one bad.csv, golden rejects --------------------------
cp "$DATA/bad.csv" bad.csv
expect 1 "a file with bad rows exits 1" ingest bad.csv
check "summary counts rows read/stored/rejected" grep -q 'bad.csv: 27 rows read, 4 stored, 0 already stored, 23 rejected, 0 conflicts' err
check "first rejects are shown with file:line: reason" grep -q "^symtrend: bad.csv:4: session_date is not a real date YYYY-MM-DD: '2025-02-30'" err
golden "rejects file: line,reason,raw for each rule" bad.csv.rejects.csv ingest-bad.rejects.csv
check "rejects file is mode 0600" test "$(mode_of bad.csv.rejects.csv)" = 600
check "the valid rows are stored" test "$(sqlv 'SELECT count(*) FROM sessions')" = 4
check "decimal and edge scores are stored exactly" test "$(sqlv "SELECT fatigue||'/'||sleep||'/'||focus FROM sessions WHERE session_date=(julianday('2025-01-25')-2440587.5)")" = "10.0/0.0/0.5"
check "a missing score is stored as not recorded" test "$(sqlv "SELECT count(*) FROM sessions WHERE fatigue IS NULL AND pain=3")" = 1
check "notes with a quoted newline are kept" test "$(sqlv "SELECT notes FROM sessions WHERE notes LIKE 'quoted%'")" = "quoted
newline ok"
check "rows before an unclosed quote are stored" test "$(sqlv "SELECT count(*) FROM sessions WHERE notes='one score is enough'")" = 1
check "database file stays 0600" test "$(mode_of db)" = 600

# --- re-ingest: nothing stored twice --------------------------------------
expect 1 "re-ingest of the same file" ingest bad.csv
check "re-ingest counts rows as already stored" grep -q '27 rows read, 0 stored, 4 already stored, 23 rejected' err
check "re-ingest stores nothing twice" test "$(sqlv 'SELECT count(*) FROM sessions')" = 4
check "every ingest is in the log" test "$(sqlv 'SELECT count(*) FROM files')" = 2
check "log keeps size, hash and counts" test "$(sqlv "SELECT size>0 AND length(sha256)=64 AND rows_read=27 AND duplicates=4 FROM files WHERE id=2")" = 1

# --- BOM, CRLF, quoted CRLF, column order and header case ------------------
printf '\357\273\277NOTES,Pain,Focus,Sleep,Fatigue,Session_Date,PATIENT_ID\r\n"a\r\nb",1,2,3,4,2025-03-01,Q1\r\nx,1,2,3,4,2025-03-32,Q1\r\n' >crlf.csv
expect 1 "BOM + CRLF file with a bad date on line 4" ingest crlf.csv
check "physical line of the record after a quoted CRLF" grep -q '^4,' crlf.csv.rejects.csv
check "BOM and CRLF: the good row is stored" test "$(sqlv "SELECT fatigue||','||pain FROM sessions s JOIN patients p ON p.id=s.patient WHERE p.patient_id='Q1'")" = "4.0,1.0"

# --- conflicts: reported, never overwritten -------------------------------
printf '%s\nC1,2025-04-01,5,5,5,5\nC1,2025-04-05,4,4,4,4\n' "$H" >c1.csv
printf '%s\nC1,2025-04-01,5,5,5,5\nC1,2025-04-05,4,4,4,3\n' "$H" >c2.csv
expect 0 "clean file exits 0" ingest c1.csv
check "no rejects file for a clean file" test ! -e c1.csv.rejects.csv
expect 1 "a conflicting session exits 1" ingest c2.csv
check "conflict counted" grep -q '2 rows read, 0 stored, 1 already stored, 0 rejected, 1 conflicts' err
check "conflict is in the rejects file" grep -q '^3,conflicts with a stored session' c2.csv.rejects.csv
check "stored session not overwritten" test "$(sqlv "SELECT pain FROM sessions WHERE session_date=(julianday('2025-04-05')-2440587.5)")" = 4.0
printf '%s\nD1,2025-04-01,5,5,5,5\nD1,2025-04-01,5,5,5,5\nD1,2025-04-01,6,5,5,5\n' "$H" >dup.csv
expect 1 "duplicates and conflicts inside one file" ingest dup.csv
check "in-file duplicate skipped, in-file conflict reported" grep -q '3 rows read, 1 stored, 1 already stored, 0 rejected, 1 conflicts' err

# --- --rejects PATH ---------------------------------------------------------
printf '%s\nR1,2025-04-01,55,5,5,5\n' "$H" >r.csv
expect 1 "--rejects PATH" ingest --rejects "$T/elsewhere.csv" r.csv
check "rejects written to the given path" sh -c "test -f elsewhere.csv && test ! -e r.csv.rejects.csv && head -1 elsewhere.csv | grep -qx 'line,reason,raw'"

# --- files refused whole: database unchanged ------------------------------
sqlv .dump >before.sql
refuse() { # desc file-content reason-pattern
	printf '%b' "$2" >refused.csv
	st ingest refused.csv; rc=$?
	if [ $rc -eq 1 ] && grep -q -- "$3" "$T/err" && grep -q 'nothing stored' "$T/err"; then ok "refused: $1"
	else nok "refused: $1" "exit $rc: $(cat "$T/err")"; fi
}
refuse "unknown column is named" "$H,mood\nX1,2025-01-01,1,2,3,4,5\n" "refused.csv:1: unknown column 'mood'"
refuse "missing measure column" "patient_id,session_date,fatigue,sleep,focus\nX1,2025-01-01,1,2,3\n" "missing required column 'pain'"
refuse "missing patient_id" "session_date,fatigue,sleep,focus,pain\n2025-01-01,1,2,3,4\n" "missing required column 'patient_id'"
refuse "duplicate column" "$H,pain\nX1,2025-01-01,1,2,3,4,5\n" "duplicate column"
refuse "empty file" "" "empty file"
refuse "binary file" "\0\1\2\3PK\3\4" "refused.csv:1:"
refuse "header with unclosed quote" "\"patient_id,session_date\n" "header is not valid CSV"
st ingest no-such-file.csv; rc=$?
check "a missing file is refused with its name" sh -c "test $rc -eq 1 && grep -q \"cannot open 'no-such-file.csv'\" err"
sqlv .dump >after.sql
check "refused files left the database unchanged" cmp -s before.sql after.sql

# --- derived courses ---------------------------------------------------------
printf '%s\nG1,2025-01-01,5,5,5,5\nG1,2025-03-01,4,4,4,4\nG1,2025-06-01,3,3,3,3\nG1,2025-06-05,3,3,3,3\n' "$H" >gap.csv
expect 0 "ingest for derived courses" ingest gap.csv
st stats --patient G1 --measure fatigue --format csv
check "90-day gap starts course C2 (59 days does not, 92 does)" test "$(cut -d, -f2,4 out | tail -n +2 | tr '\n' ' ')" = "G1-C1,2 G1-C2,2 "
expect 0 "--course-gap 30 is kept" ingest --course-gap 30 gap.csv
st stats --patient G1 --measure fatigue --format csv
check "with a 30-day gap: three courses" test "$(cut -d, -f2 out | tail -n +2 | tr '\n' ' ')" = "G1-C1 G1-C2 G1-C3 "
check "course_gap setting stored" test "$(sqlv "SELECT value FROM config WHERE key='course_gap'")" = 30
expect 2 "--course-gap must be a number of days" ingest --course-gap 0 gap.csv
printf 'patient_id,course_id,session_date,fatigue,sleep,focus,pain\nG2,K7,2025-01-01,5,5,5,5\nG2,K7,2025-09-01,4,4,4,4\nG2,,2025-01-02,5,5,5,5\n' >cid.csv
expect 0 "explicit course_id" ingest cid.csv
st stats --patient G2 --measure fatigue --format csv
check "course_id keeps sessions together; empty course_id is derived" test "$(cut -d, -f2,4 out | tail -n +2 | sort | tr '\n' ' ')" = "G2-C1,1 K7,2 "

# --- patients file and extra measures ----------------------------------------
printf 'patient_id,referrer,indication,birth_year\nG1,Dr. Keller,multiple sclerosis,1980\nG9,Dr. Braun,neck pain,19x0\n' >pat.csv
expect 1 "patients file with a bad birth year" ingest --patients pat.csv
check "patients file: indication stored" test "$(sqlv "SELECT indication||'/'||referrer||'/'||birth_year FROM patients WHERE patient_id='G1'")" = "multiple sclerosis/Dr. Keller/1980"
check "patients file: bad row rejected" grep -q "birth_year is not a year" pat.csv.rejects.csv
printf '%s,dizziness\nM1,2025-01-01,5,5,5,5,7\nM1,2025-01-04,5,5,5,5,6.5\n' "$H" >m.csv
expect 1 "undeclared measure column refuses the file" ingest m.csv
expect 0 "declared with --measure it is stored" ingest --measure dizziness m.csv
check "extra measure values stored" test "$(sqlv 'SELECT group_concat(value) FROM extra_scores')" = "7.0,6.5"
expect 0 "the declared measure is known to later ingests" ingest m.csv
st stats --patient M1 --measure dizziness --format csv
check "stats cover the extra measure" grep -q '^M1,M1-C1,dizziness,2,7,6.5,-0.5' out
expect 2 "invalid measure name is a usage error" ingest --measure 'Bad Name' m.csv

# --- the referral letter's optional columns -----------------------------------
printf '%s\nA1,2025-01-01,6,5,5,5\nA1,2025-01-04,5,5,5,5\nA1,2025-01-08,4,5,5,5\n' "$H" >plain.csv
expect 0 "sessions without attendance" ingest plain.csv
st stats --patient A1 --format csv; cp out plain.stats
printf '%s,attendance,adverse_event\nA1,2025-01-02,,,,,cancelled,\nA1,2025-01-03,,,,,no-show,\nA1,2025-01-04,5,5,5,5,,\nA1,2025-01-05,,,,,No-Show,"felt dizzy, cancelled by phone"\nA1,2025-01-06,3,,,,no-show,\nA1,2025-01-07,,,,,canceled,\nA1,2025-01-09,,,,,,\n' "$H" >att.csv
expect 1 "attendance column: missed sessions stored, bad rows rejected" ingest att.csv
check "a score on a no-show row is rejected with the reason" grep -q '^6,"a no-show session carries no scores, fatigue is .3.",' att.csv.rejects.csv
check "an unknown attendance word is rejected" grep -q "^7,\"attendance is not attended, cancelled or no-show: 'canceled'\"" att.csv.rejects.csv
check "an attended row without scores is still rejected" grep -q '^8,no score recorded' att.csv.rejects.csv
grep_err "the attended session already stored is a duplicate" "7 rows read, 3 stored, 1 already stored, 3 rejected"
check "missed sessions are stored with their attendance and adverse event" test "$(sqlv "SELECT group_concat(attendance||'/'||coalesce(adverse_event,''), ';') FROM sessions WHERE attendance IS NOT NULL")" = "cancelled/;no-show/;no-show/felt dizzy, cancelled by phone"
st stats --patient A1 --format csv
check "missed sessions change no statistic (session_no counts attended sessions)" cmp out plain.stats
expect 1 "the same file again stores nothing twice" ingest att.csv --rejects att2.rejects.csv
grep_err "only its bad rows are rejected again" "7 rows read, 0 stored, 4 already stored, 3 rejected, 0 conflicts"
printf '%s,attendance\nA1,2025-01-02,,,,,no-show\n' "$H" >att3.csv
expect 1 "a different attendance on a stored date is a conflict" ingest att3.csv
check "the conflict names attendance" grep -q 'different scores or attendance or adverse event' att3.csv.rejects.csv
printf 'patient_id,referrer,name,referral_reason,referral_date,planned_sessions\nA1,Dr. Keller,Zelda Quist,post-COVID fatigue and brain fog,2024-12-15,10\nA2,Dr. Keller,Yorick Sample,x,2024-13-01,10\nA3,Dr. Keller,,,,10.5\n' >lpat.csv
expect 1 "patients file with the letter's columns" ingest --patients lpat.csv
check "letter fields stored" test "$(sqlv "SELECT name||'/'||referral_reason||'/'||date(referral_date*86400,'unixepoch')||'/'||planned_sessions FROM patients WHERE patient_id='A1'")" = "Zelda Quist/post-COVID fatigue and brain fog/2024-12-15/10"
check "a bad referral date and a fractional planned_sessions are rejected" sh -c "grep -q '^3,referral_date is not a real date' lpat.csv.rejects.csv && grep -q '^4,planned_sessions is not a whole number 1-999' lpat.csv.rejects.csv"
check "a patient's name is never in the messages" sh -c "! grep -q -e Zelda -e Yorick err"
printf 'therapist,credentials,email\nAnna Berg,certified medical massage therapist,anna.berg@example.org\nJonas Weber,,jonas@\n' >ther.csv
expect 1 "therapists file: stored, bad email rejected" ingest --therapists ther.csv
check "therapist stored" test "$(sqlv "SELECT credentials||'/'||email FROM therapists WHERE name='Anna Berg'")" = "certified medical massage therapist/anna.berg@example.org"
check "bad email rejected with the reason" grep -q "^3,email is not an email address: 'jonas@'" ther.csv.rejects.csv
expect 1 "the same therapists file again: already stored" ingest --therapists ther.csv --rejects ther2.rejects.csv
grep_err "already stored, bad row rejected again" "2 rows read, 0 stored, 1 already stored, 1 rejected, 0 conflicts"
printf 'therapist,email\nAnna Berg,a.berg@example.org\n' >ther3.csv
expect 1 "a different email is a conflict, not overwritten" ingest --therapists ther3.csv
check "the conflict says how to replace it" grep -q -- '--update-therapists replaces it' ther3.csv.rejects.csv
check "the stored email is kept" test "$(sqlv "SELECT email FROM therapists WHERE name='Anna Berg'")" = anna.berg@example.org
expect 0 "--update-therapists replaces it" ingest --update-therapists --therapists ther3.csv --rejects ther4.rejects.csv
check "the new email, the credentials kept" test "$(sqlv "SELECT credentials||'/'||email FROM therapists WHERE name='Anna Berg'")" = "certified medical massage therapist/a.berg@example.org"
printf 'patient_id,therapist\nA1,Anna Berg\n' >ther5.csv
expect 1 "a therapists file needs no patient_id and knows no patient_id" ingest --therapists ther5.csv
grep_err "the column is named" "unknown column 'patient_id' in a therapists file"

# --- documented limits, each with a clear message ----------------------------
args=""
for i in 1 2 3 4 5 6 7 8 9 10 11; do args="$args --measure x$i"; done
expect 0 "eleven more measures: sixteen in all" ingest $args m.csv
expect 2 "a seventeenth measure is refused" ingest --measure x12 m.csv
grep_err "the measure limit is named" "too many measures (at most 16)"
hdr=$H; row=W1,2025-01-01,1,1,1,1
for i in $(seq 1 60); do hdr="$hdr,notes$i"; row="$row,"; done
printf '%s\n%s\n' "$hdr" "$row" >wide.csv
expect 1 "more than 64 columns: refused" ingest wide.csv
grep_err "the column limit is named" "header has more than 64 columns"
awk 'BEGIN { printf "%s\nL1,2025-01-01,1,1,1,1,Anna,", "'"$H"',therapist,notes"; for (i = 0; i < 10001; i++) printf "n"; print "" }' >long.csv
expect 1 "notes over 10,000 bytes: the row is rejected" ingest long.csv
check "the reason names the limit" grep -q 'notes are longer than 10000 bytes' long.csv.rejects.csv
# --- edges of the course split and of the scale (issue 20) -------------------
printf '%s\nE9,2025-01-01,5,5,5,5\nE9,2025-04-01,4,4,4,4\nE9,2025-07-01,3,3,3,3\n' "$H" >gap90.csv
expect 0 "ingest: gaps of exactly 90 and then 91 days" ingest --course-gap 90 gap90.csv
st stats --patient E9 --measure fatigue --format csv
check "a gap of exactly course_gap (90) days stays in the course; 91 starts one" test "$(cut -d, -f2,4 out | tail -n +2 | tr '\n' ' ')" = "E9-C1,2 E9-C2,1 "
printf '%s\nS9,2025-01-01,10,5,5,5\nS9,2025-01-02,10.01,5,5,5\nS9,2025-01-03,10.000001,5,5,5\n' "$H" >limit.csv
expect 1 "scores at and just above the scale's limit" ingest limit.csv
check "10 is stored; 10.01 and 10.000001 are out of range" sh -c "test \"\$(sqlite3 '$T/db' \"SELECT count(*) FROM sessions s JOIN patients p ON p.id=s.patient WHERE p.patient_id='S9'\")\" = 1 && grep -q \"^3,fatigue is out of range 0-10: '10.01'\" limit.csv.rejects.csv && grep -q \"^4,fatigue is out of range 0-10: '10.000001'\" limit.csv.rejects.csv"
python3 - <<'PY'
import zipfile
H = ["patient_id", "session_date", "fatigue", "sleep", "focus", "pain"]
rows = [["X9", "2025-01-01", 10, 5, 5, 5], ["X9", "2025-01-02", 10.01, 5, 5, 5],
        ["X9", "2025-01-03", 10.000001, 5, 5, 5]]
def cell(v):
    if isinstance(v, str):
        return '<c t="inlineStr"><is><t>%s</t></is></c>' % v
    return '<c><v>%r</v></c>' % v
sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         + "".join('<row>%s</row>' % "".join(cell(v) for v in r) for r in [H] + rows)
         + '</sheetData></worksheet>')
with zipfile.ZipFile("limit.xlsx", "w") as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    z.writestr("xl/worksheets/sheet1.xml", sheet)
PY
expect 1 "number cells at and just above the scale's limit" ingest limit.xlsx
check "xlsx: 10 is stored; 10.01 and 10.000001 are out of range" sh -c "test \"\$(sqlite3 '$T/db' \"SELECT count(*) FROM sessions s JOIN patients p ON p.id=s.patient WHERE p.patient_id='X9'\")\" = 1 && grep -q \"fatigue is out of range 0-10: '10.01'\" limit.xlsx.rejects.csv && grep -q \"fatigue is out of range 0-10: '10.000001'\" limit.xlsx.rejects.csv"
finish
