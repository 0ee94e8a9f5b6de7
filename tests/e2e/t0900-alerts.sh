#!/bin/sh
# t0900-alerts: scenario fixtures with a known right answer for every alert
# kind (CONTRACT.md, "Alerts (nightly)"), through the CLI: a case that must
# raise it and one that must not, at the edges (exactly the MCID, a gap of
# exactly relapse_gap days, exactly alert_window days); alerts.csv beside
# alerts.txt, `symtrend alerts` in three formats, each alert said once.
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY=2026-01-31

mkdir -p in
st config set fatigue.sd 10
cp "$DATA/scenarios.csv" in/
printf 'patient_id,referrer,indication\nW1,Dr A,chronic stress\nPL,Dr A,chronic stress\n' >in/patients.csv
touch -d '10 minutes ago' in/*.csv
expect 0 "a nightly run over the scenarios" nightly --inbox in --out rep
check "the summary line counts sessions, not patients rows" grep -q ': 2 files (0 refused, 0 waiting), 78 sessions stored, 0 rejected, 0 conflicts, 15 notes' out
grep -v '^#' "$DATA/scenarios.expected" | sort >want
tail -n +2 rep/2026-01-31/alerts.csv | cut -d, -f1-5 | sort >got
check "every scenario raises exactly the alerts the contract says" diff want got
check "alerts.csv has the contract's header" test "$(head -1 rep/2026-01-31/alerts.csv)" = \
	"patient_id,course_id,measure,kind,session_date,detail"
check "alerts.csv is 0600" test "$(mode_of rep/2026-01-31/alerts.csv)" = 600
check "alerts.txt lists the same alerts" test "$(grep -c '^  [A-Z]' rep/2026-01-31/alerts.txt)" -eq "$(wc -l <want)"
check "a relapse between courses says so" grep -q '^RX,RX-C2,fatigue,relapse,2026-01-13,6.0 -> 8.5 (+2.5) after a 100-day break between courses' rep/2026-01-31/alerts.csv
check "a relapse inside a course says so" grep -q '^RI,RI-C1,fatigue,relapse,.*after a 21-day break inside the course' rep/2026-01-31/alerts.csv
check "a worsening course is never called a plateau" sh -c '! grep -q "^PH,.*plateau" rep/2026-01-31/alerts.csv'

expect 0 "symtrend alerts --format csv" alerts --format csv
check "symtrend alerts lists what alerts.csv holds" cmp -s out rep/2026-01-31/alerts.csv
expect 0 "symtrend alerts --format json" alerts --format json
check "json: one object per alert, null measure for course-level kinds" python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))
assert len(a) == int(sys.argv[2]), len(a)
assert all(list(x) == ["patient_id", "course_id", "measure", "kind", "session_date", "detail"] for x in a)
assert all((x["measure"] is None) == (x["kind"] == "no_response") for x in a)' out "$(wc -l <want)"
expect 0 "symtrend alerts (text)" alerts
check "text: a header and one line per alert" test "$(wc -l <out)" -eq $(($(wc -l <want) + 1))
expect 2 "symtrend alerts --format xml is a usage error" alerts --format xml
expect 2 "symtrend alerts --format without a value is a usage error" alerts --format
expect 2 "symtrend alerts with an argument is a usage error" alerts extra

# The clinic report counts the same breaks by length: RI (21 days, exactly
# relapse_gap: a relapse), RG (20 days: no break); RX (100 days: a relapse
# across courses) and RH (100 days: held).
SYMTREND_GNUPLOT=/nonexistent expect 0 "the clinic report of the scenarios" report clinic --out cr
check "breaks of 21-44 days: 1, 1 rose, 1 relapse" grep -q '^  21-44 days: 1 break; after 1 a score was at least the MCID higher, 1 of them a$' cr/clinic/report.txt
check "breaks of 90+ days: 2, 1 rose, 1 relapse" grep -q '^  90+ days: 2 breaks; after 1 a score was at least the MCID higher, 1 of them a$' cr/clinic/report.txt
st report note --patient RX --out cn
check "RX's note: the break before the course, a relapse" grep -q '^Break of 100 days before this course: relapse - Fatigue 6.0 to 8.5, still$' cn/RX/note.txt
check "RX's note: the relapse still present refers back (the letter once said continue)" grep -q '^Suggested next step: refer back (Fatigue relapsed after a break and is still up:' cn/RX/note.txt
st report note --patient RH --out cn
check "RH's note: the break before the course, held" grep -q '^Break of 100 days before this course: no score rose by 2 points or more\.$' cn/RH/note.txt
st report note --patient PH --out cn
check "PH's note opens with the red flag, no plateau" sh -c "grep -q '^Fatigue worsened from 3.0 to 8.9, by the MCID or more (within measurement$' cn/PH/note.txt && grep -q '^Suggested next step: refer back (worse: Fatigue)\.$' cn/PH/note.txt && grep -q '^  worse: a worsening course is not read as levelling off' cn/PH/note.txt"

# The next night: nothing new, nothing said again.
SYMTREND_TODAY=2026-02-01
expect 0 "a second night" nightly --inbox in --out rep
check "the second night says nothing again" sh -c 'test "$(wc -l <rep/2026-02-01/alerts.csv)" -eq 1 && grep -q ": 0 new or changed" rep/2026-02-01/alerts.txt'
expect 0 "symtrend alerts: the latest night's, none" alerts --format csv
check "symtrend alerts: header only" test "$(wc -l <out)" -eq 1
# ... but the morning page still lists yesterday's open alerts, with the day
# first raised (issue 20: the next night showed "0 alerts today").
check "the second night's page keeps the open alerts, first raised the night before" grep -q '<td>RL-C1</td><td>fatigue</td><td>2026-01-27</td><td>2026-01-31</td>' rep/index.html
check "the headline counts patients, not alerts: RI and RL lost a response, RG too" grep -q '>3 response lost<' rep/index.html
check "plateaus are apart, as good news" grep -q 'Good news: <a href="#plateaus">1 patient levelled off' rep/index.html
expect 0 "alerts ack: a person has seen RL's lost response" alerts ack RL response_lost --note "called, booked two more"
check "ack says how many and who" grep -q '^alerts: 1 open response_lost alert acknowledged by .* on 2026-02-01$' out
expect 1 "alerts ack of an alert that is not open" alerts ack RL worse
expect 2 "alerts ack of an unknown kind" alerts ack RL nonsense
expect 2 "alerts ack: a note with a bidi control is refused" alerts ack RL response_lost --note "$(printf 'a\342\200\256b')"
st report index --out rep
check "the acknowledged alert is listed apart, with its note" sh -c "grep -q 'id=\"acked-response_lost\"' rep/index.html && grep -q 'called, booked two more' rep/index.html && grep -q '>2 response lost<' rep/index.html"

# A reliable deterioration below the MCID is worse too (a small SD: S_diff 0.32).
mkdir -p in2 && cp "$DATA/scenarios.csv" in2/ && touch -d '10 minutes ago' in2/scenarios.csv
"$SYMTREND" --db "$T/db2" config set fatigue.sd 0.5
SYMTREND_TODAY=2026-01-31 "$SYMTREND" --db "$T/db2" nightly --inbox in2 --out rep2 >/dev/null 2>&1
check "W0 (+1.9, below the MCID) is worse as a reliable deterioration" grep -q '^W0,W0-C1,fatigue,worse,2026-01-27,.*a reliable deterioration' rep2/2026-01-31/alerts.csv

# A cell a spreadsheet would run as a formula is neutralised in alerts.csv.
printf 'patient_id,session_date,fatigue,sleep,focus,pain\n=W9,2026-01-20,4,,,\n=W9,2026-01-27,7,,,\n' >in/formula.csv
touch -d '10 minutes ago' in/formula.csv
SYMTREND_TODAY=2026-02-03
expect 0 "a night with a patient id that looks like a formula" nightly --inbox in --out rep
check "one file, one alert: singular" grep -q ': 1 file (0 refused, 0 waiting), 2 sessions stored, 0 rejected, 0 conflicts, 1 note, 1 alert ->' out
check "alerts.csv: the formula is quoted and neutralised" grep -q "^\"'=W9\",\"'=W9-C1\",fatigue,worse," rep/2026-02-03/alerts.csv

# RL responds again: its reading no longer raises the lost response, which
# closes (and is no longer on the page).
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nRL,2026-02-03,4,,,\n' >in/rl.csv
touch -d '10 minutes ago' in/rl.csv
SYMTREND_TODAY=2026-02-04
expect 0 "a night in which RL responds again" nightly --inbox in --out rep
check "RL's lost response is closed on that night" test "$(sqlv "SELECT open || ' ' || closed FROM alerts WHERE patient_id='RL' AND kind='response_lost'")" = "0 2026-02-04"
check "and is gone from the page" sh -c "! grep -q '<td>RL-C1</td><td>fatigue</td><td>2026-01-27</td>' rep/index.html"
check "RI's, whose reading did not change, is still open" test "$(sqlv "SELECT open || ' ' || first_seen FROM alerts WHERE patient_id='RI' AND kind='response_lost'")" = "1 2026-01-31"

# No nightly run yet: symtrend alerts lists nothing.
"$SYMTREND" --db "$T/empty.db" init >/dev/null 2>&1
"$SYMTREND" --db "$T/empty.db" alerts --format json >out 2>err; rc=$?
check "no run yet: symtrend alerts prints an empty list" sh -c "test $rc -eq 0 && test \"\$(cat out)\" = '[]'"
finish
