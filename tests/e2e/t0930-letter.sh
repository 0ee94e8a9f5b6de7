#!/bin/sh
# t0930-letter: the progress note as a referral letter (issue 12): golden
# letters in text and HTML for P001 and for a patient with two courses, a
# relapse after the break, a cancelled session and an adverse event; the
# answer first; the therapist's comment, recommendation and notes; the
# patient's name only inside the letter; printed P001 fits two A4 pages.
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY=2026-11-25

S=$TOP/sample-data
st ingest --patients "$S/patients.csv" --therapists "$S/therapists.csv" "$S"/sessions-2025-h*.csv
st config set clinic_name "Praxis Nord - Medical Massage"
st config set clinic_address "Hafenstrasse 12, 20459 Hamburg"
st config set clinic_phone "+49 40 1234567"
st config set clinic_email "praxis@example.org"
for m in fatigue sleep focus pain; do
	st config set $m.instrument "single-item 0-10 numeric rating, rated by the patient"
done

# The chart is gnuplot's drawing, tested elsewhere: the golden HTML has a
# placeholder where it stands.
# The chart is inline SVG over many lines.
strip_chart() { perl -0pe 's#<figure>.*?</figure>#<figure>CHART</figure>#gs; s#<p class="nochart">.*?</p>#<figure>CHART</figure>#g' "$1"; }
# The lines of the answer: after IN SHORT up to the blank line.
answer_lines() { awk '/^IN SHORT$/ { on = 1; next } on && /^$/ { exit } on { n++ } END { print n + 0 }' "$1"; }

expect 0 "letter for P001" report note --patient P001 --out rep
golden "P001 letter (text)" rep/P001/note.txt letter-P001.txt
strip_chart rep/P001/note.html >p001.html
golden "P001 letter (HTML, chart aside)" p001.html letter-P001.html
if command -v gnuplot >/dev/null 2>&1; then
	check "the chart is an inline <svg>, not an image" sh -c \
		"grep -q '<figure><svg viewBox=' rep/P001/note.html && ! grep -q -e '<img' -e 'data:image' rep/P001/note.html"
	check "no XML prolog, DOCTYPE or gnuplot title inside the page" sh -c \
		"[ \$(grep -c -e '<?xml' -e '<!DOCTYPE svg' -e '<title>Gnuplot' rep/P001/note.html) = 0 ]"
	check "every id in the page is unique and the chart's carry its prefix" sh -c \
		"[ -z \"\$(grep -o ' id=\"[^\"]*\"' rep/P001/note.html | sort | uniq -d)\" ] && ! grep -o ' id=\"[^\"]*\"' rep/P001/note.html | grep -v -q 'id=\"symtrend-chart-' && grep -q \"href=\\\"#symtrend-chart-gpPt\" rep/P001/note.html"
else
	skip "the chart is an inline <svg>" "gnuplot not installed"
fi
check "the letter fits in 80 columns" sh -c "! awk 'length > 80' rep/P001/note.txt | grep -q ."
n_answer=$(answer_lines rep/P001/note.txt)
at_answer=$(grep -n '^IN SHORT' rep/P001/note.txt | cut -d: -f1)
at_table=$(grep -n '^Measure ' rep/P001/note.txt | cut -d: -f1)
check "the answer comes first, in at most eight lines ($n_answer), before any table" \
	test "$n_answer" -ge 4 -a "$n_answer" -le 8 -a "${at_answer:-99}" -lt "${at_table:-0}"
check "P001: status completed, relative to the run date" grep -q '^Completed 2025-03-27 (19 months ago); 14 of 14 planned sessions, 1 cancelled\.$' rep/P001/note.txt
check "P001: a completed course is not continued: the suggested step says so" grep -q '^Suggested next step: none (the course was completed on 2025-03-27)\.$' rep/P001/note.txt
check "addressee, patient name, birth year, id, reason and date of referral" sh -c \
	"grep -q '^To: Dr. Keller (neurology)$' rep/P001/note.txt && grep -q '^Re: Mara Beispiel, born 1990, patient P001$' rep/P001/note.txt && grep -q '^Referred on 2025-01-20 for fatigue' rep/P001/note.txt"
check "signature block from the therapists file" sh -c "grep -A3 '^With kind regards' rep/P001/note.txt | grep -q '^certified medical massage therapist$'"
check "session notes stay private without --with-notes" sh -c "! grep -q 'sleeping through more nights' rep/P001/note.txt rep/P001/note.html"
check "the name is in no file name" sh -c "! find rep | grep -qi -e mara -e beispiel"
check "the name is not in what the command prints" sh -c "! grep -qi beispiel out err"

expect 0 "letter for P041 with a comment and the notes" report note --patient P041 --out rep \
	--comment "Back pain flared after a house move in December; she asks to continue." --with-notes
golden "P041 letter (text): two courses, relapse after the break, cancelled, adverse event" rep/P041/note.txt letter-P041.txt
strip_chart rep/P041/note.html >p041.html
golden "P041 letter (HTML, chart aside)" p041.html letter-P041.html
check "P041: the change since referral opens the letter (6.5 to 3.0, not this course's 4.0 to 3.0)" sh -c "grep -q '^Since referral on 2025-04-29 (2 courses, 25 sessions, 2025-05-14 to 2026-03-10):\$' rep/P041/note.txt && grep -q '^  Fatigue 6.5 to 3.0, ' rep/P041/note.txt"
check "P041: the episode on a date axis, captioned with what it draws" sh -c "grep -q '<figcaption>The 2 courses since referral by date; shaded: breaks' rep/P041/note.html && { ! command -v gnuplot >/dev/null || grep -q 'course starts' rep/P041/episode.svg; }"
check "P041: chart panels carry the letter's labels" sh -c "! command -v gnuplot >/dev/null || grep -q 'Difficulty concentrating' rep/P041/course.svg"
check "P041: the break before the course is read as a relapse" grep -q '^Break of 162 days before this course: relapse - Pain 4.5 to 6.5\.$' rep/P041/note.txt
check "P041: cancelled and no-show with their dates, the adverse event with its date" sh -c \
	"grep -q 'cancelled: 1 (2026-01-24); no-show: 1' rep/P041/note.txt && grep -q '^  2026-01-10: muscle soreness for a day$' rep/P041/note.txt"
check "P041: the earlier course in one line" grep -q '^Earlier: P041-C1: 2025-05-14 to 2025-07-26, 14 sessions; ' rep/P041/note.txt
check "--with-notes: the notes as an appendix" sh -c "grep -q '^APPENDIX: SESSION NOTES' rep/P041/note.txt && grep -q 'Appendix: session notes' rep/P041/note.html"

# Planned sessions belong to the referral's course (the first starting on or
# after referral_date); more attended than planned is said as such.
st report note --patient P014 --out planned
check "P014: 20 attended, 6 had been planned (never '20 of 6')" sh -c \
	"grep -q '^Sessions attended: 20; 6 had been planned; cancelled: 1' planned/P014/note.txt && grep -q '; 20 sessions (6 planned), 1 cancelled\.\$' planned/P014/note.txt && ! grep -q '20 of 6' planned/P014/note.txt planned/P014/note.html"
st report note --patient P041 --course P041-C1 --out planned
check "P041's first course (referred 2025-04-29, began 2025-05-14) carries the 8 planned" \
	grep -q '^Sessions attended: 14; 8 had been planned; cancelled: 1' planned/P041/note.txt
check "P041's second course shows no planned figure" sh -c \
	"grep -q '^Sessions attended: 11; cancelled: 1' rep/P041/note.txt && ! grep -q planned rep/P041/note.html"

expect 0 "--recommendation replaces the suggestion" report note --patient P001 --out rec \
	--recommendation "Stop here; refer back if the fatigue returns."
check "the therapist's recommendation, not the suggestion" sh -c \
	"grep -q '^Recommended next step: Stop here; refer back if the fatigue returns\.$' rec/P001/note.txt && ! grep -q '^Suggested next step' rec/P001/note.txt"
printf 'First line <script>alert(1)</script> & so on.\nSecond line.\n' >comment.txt
expect 0 "--comment-file keeps the comment's lines" report note --patient P001 --out cf --comment-file comment.txt
check "the comment in the text letter" sh -c "grep -A2 '^COMMENT$' cf/P001/note.txt | grep -q '^Second line\.$'"
check "the comment is escaped in HTML, its line breaks kept" grep -q 'First line &lt;script&gt;alert(1)&lt;/script&gt; &amp; so on\.<br>Second line\.' cf/P001/note.html
expect 2 "--comment and --comment-file together" report note --patient P001 --out x --comment a --comment-file comment.txt
expect 2 "a missing --comment-file" report note --patient P001 --out x --comment-file nope.txt
grep_err "the file is named" "cannot read --comment-file 'nope.txt'"
printf 'bad \377 byte\n' >bad.txt
expect 2 "a comment file that is not UTF-8" report note --patient P001 --out x --comment-file bad.txt
expect 2 "a recommendation with a line break" report note --patient P001 --out x --recommendation "$(printf 'a\nb')"
expect 2 "the letter's options are for notes" report clinic --out x --with-notes

# An ongoing course of three sessions, a week after the last one.
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nO1,2026-03-01,6,5,5,4\nO1,2026-03-05,6,5,5,4\nO1,2026-03-10,5,5,4,4\n' >o1.csv
st ingest o1.csv
SYMTREND_TODAY=2026-03-17 st report note --patient O1 --out ongoing
check "an ongoing course says so with its last session" grep -q '^Ongoing, last session 2026-03-10 (7 days ago); 3 sessions\.$' ongoing/O1/note.txt
check "too early for a response: continue, and why" grep -q '^Suggested next step: continue (3 sessions so far; a response is judged after 6)\.$' ongoing/O1/note.txt
check "no referrer, no therapist: the letter still stands" sh -c "grep -q '^To: the referring physician$' ongoing/O1/note.txt && grep -q '^With kind regards' ongoing/O1/note.txt"
# The status line and the step at the course gap (90 days): exactly 90 days
# after the last session the course goes on; a day later it is completed.
SYMTREND_TODAY=2026-06-08 st report note --patient O1 --out gap90
check "90 days after the last session: ongoing, continue" sh -c \
	"grep -q '^Ongoing, last session 2026-03-10 (2 months ago); 3 sessions\.$' gap90/O1/note.txt && grep -q '^Suggested next step: continue ' gap90/O1/note.txt"
SYMTREND_TODAY=2026-06-09 st report note --patient O1 --out gap91
check "91 days after the last session: completed, no next step" sh -c \
	"grep -q '^Completed 2026-03-10 (2 months ago); 3 sessions\.$' gap91/O1/note.txt && grep -q '^Suggested next step: none (the course was completed on 2026-03-10)\.$' gap91/O1/note.txt"
check "a course of 3 sessions: one chart, its caption names no plateau fit and no pause" sh -c "test \"\$(grep -c '<figcaption>' gap91/O1/note.html)\" = 1 && ! grep -q 'plateau fit\|dotted: pause' gap91/O1/note.html"
# A completed course with a relapse after a 21-day pause: refer back while
# the relapse still holds at the end (last score exactly the MCID above the
# score before the pause), none when it has come back down (a hair less).
printf 'patient_id,session_date,fatigue,sleep,focus,pain\n' >relapse.csv
for p in R1:7.0 R2:6.9; do
	printf '%s,2026-01-01,8,3,3,3\n%s,2026-01-08,7,3,3,3\n%s,2026-01-15,6,3,3,3\n%s,2026-01-22,5,3,3,3\n%s,2026-02-12,7.5,3,3,3\n%s,2026-02-19,%s,3,3,3\n' \
		${p%%:*} ${p%%:*} ${p%%:*} ${p%%:*} ${p%%:*} ${p%%:*} ${p#*:} >>relapse.csv
done
st ingest relapse.csv
st report note --patient R1 --out relapse
st report note --patient R2 --out relapse
check "completed, a relapse that still holds: refer back" sh -c \
	"grep -q '^Pause of 21 days after session 4: relapse - Fatigue 5.0 to 7.5, still present\.$' relapse/R1/note.txt && grep -q '^Suggested next step: refer back (Fatigue relapsed after a break and is still up:$' relapse/R1/note.txt"
check "completed, the relapse came back down: none" sh -c \
	"grep -q '^Pause of 21 days after session 4: relapse - Fatigue 5.0 to 7.5\.$' relapse/R2/note.txt && grep -q '^Suggested next step: none (the course was completed on 2026-02-19)\.$' relapse/R2/note.txt"
# A worse course: refer back.
expect 0 "letter for a course that got worse" report note --patient P055 --out worse
check "worse: refer back, and the measure is named" sh -c "grep -q '^Suggested next step: refer back (worse: ' worse/P055/note.txt && grep -q '^Difficulty concentrating worsened from 6.5 to 9.0, a reliable deterioration\.$' worse/P055/note.txt"

# Printed, P001's letter fits two A4 pages (Chromium and pdfinfo where present).
if command -v chromium >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1; then
	u=$(mktemp -d)
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$u" --no-pdf-header-footer --print-to-pdf="$T/p001.pdf" \
		"file://$T/rep/P001/note.html" >/dev/null 2>&1
	rm -rf "$u"
	pages=$(pdfinfo "$T/p001.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
	check "P001's letter prints on at most two A4 pages (got ${pages:-none})" test "${pages:-99}" -le 2
else
	skip "P001's letter prints on at most two A4 pages" "chromium or pdfinfo not installed"
fi
finish
