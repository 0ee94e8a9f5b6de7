#!/bin/sh
# t0300-stats: symtrend stats against R's reference values (tests/fixtures/r,
# made by tests/fixtures/stats.R), the edge cases, the three output formats,
# breakdowns and settings.
. "$(dirname "$0")/lib.sh"
FIX=$TOP/tests/fixtures/r

compare() { # dataset keys expected actual
	if awk -F, -v keys="$2" -v tol=1e-6 -v ptol=1e-4 -f "$TOP/tests/cmpstats.awk" "$3" "$4" >cmp.out 2>&1
	then ok "$1 agrees with R ($(tail -1 cmp.out))"; else nok "$1 agrees with R" "$(tail -30 cmp.out)"; fi
}

for ds in sample edge zero gen3000; do
	rm -f db db-wal db-shm
	case $ds in
	sample) files="$TOP/sample-data/sessions-2025-h1.csv $TOP/sample-data/sessions-2025-h2.csv" ;;
	*) files=$DATA/$ds.csv ;;
	esac
	for f in $files; do cp "$f" .; done
	st ingest $(for f in $files; do basename "$f"; done)
	st stats --format csv; cp out "$ds.courses.csv"
	compare "$ds: course table" 3 "$FIX/$ds.courses.csv" "$ds.courses.csv"
	st stats --clinic --format csv; cp out "$ds.clinic.csv"
	compare "$ds: clinic table" 1 "$FIX/$ds.clinic.csv" "$ds.clinic.csv"
	check "$ds: no nan or inf anywhere" sh -c "! grep -qi 'nan\|inf' $ds.courses.csv $ds.clinic.csv"
	st stats --format json
	check "$ds: json is valid" python3 -c "import json,sys; d=json.load(open('out')); assert isinstance(d, list) and len(d) > 0"
	st stats --clinic --format json
	check "$ds: clinic json is valid" python3 -c "import json,sys; d=json.load(open('out')); assert len(d) == 4"
done

# The contract's leading columns, exactly.
head -1 gen3000.courses.csv | cut -d, -f1-19 >hdr
check "course csv leading columns" test "$(cat hdr)" = "patient_id,course_id,measure,n,baseline,latest,change,pct_change,slope,slope_se,slope_lo,slope_hi,slope_p,responder,sessions_to_response,rci,reliable_change,plateau,s90"
head -1 gen3000.clinic.csv | cut -d, -f1-16 >hdr
check "clinic csv leading columns" test "$(cat hdr)" = "measure,courses,mean_baseline,mean_latest,mean_change,change_lo,change_hi,t_p,wilcoxon_p,srm,responders,responder_rate,rate_lo,rate_hi,km_median_sessions,eligible"

# Edge cases, by name (edge.csv, zero.csv).
rm -f db db-wal db-shm
st ingest edge.csv
st stats --patient E1 --format json
check "one session: slope and plateau null, change 0" python3 -c "
import json; r=json.load(open('out'))[0]
assert r['n']==1 and r['slope'] is None and r['slope_p'] is None and r['plateau'] is None and r['change']==0, r"
st stats --patient E2 --format json
check "constant scores: slope 0, p null, no plateau, rci 0" python3 -c "
import json; r=json.load(open('out'))[0]
assert r['slope']==0 and r['slope_p'] is None and r['plateau'] is None and r['rci']==0, r"
st stats --patient E3 --measure fatigue --format json
check "baseline 0: pct_change null" python3 -c "
import json; r=json.load(open('out'))[0]
assert r['baseline']==0 and r['pct_change'] is None and r['change']==2, r"
st stats --patient E4 --course K-1 --measure focus --format json
check "a measure never recorded: n 0, all null" python3 -c "
import json; r=json.load(open('out'))[0]
assert r['n']==0 and all(r[k] is None for k in ('baseline','latest','change','slope','rci','responder')), r"
st stats --patient E4 --course K-1 --measure fatigue --format text
golden "text course table" out stats-edge-E4.txt
st stats --clinic --format text
golden "text clinic table" out stats-edge-clinic.txt
rm -f db db-wal db-shm
st ingest zero.csv
st stats --clinic --format json
check "all differences zero / no responders / unrecorded measure: null, not NaN" python3 -c "
import json; d=json.load(open('out'))
f=d[0]; p=d[3]
assert f['wilcoxon_p'] is None and f['t_p'] is None and f['srm'] is None and f['km_median_sessions'] is None and f['responders']==0, f
assert p['courses']==0 and p['mean_change'] is None, p"

# Breakdowns and windows.
rm -f db db-wal db-shm
st ingest --patients "$TOP/sample-data/patients.csv" sessions-2025-h1.csv sessions-2025-h2.csv
for by in therapist indication referrer; do
	st stats --clinic --by $by --format csv
	groups=$(tail -n +2 out | cut -d, -f18 | sort -u | wc -l)
	total=$(awk -F, 'NR>1 && $1=="fatigue" {s+=$2} END {print s}' out)
	check "--by $by: groups add up to the clinic ($total courses, $groups groups)" sh -c "test $total -eq 74 && test $groups -ge 3"
done
st stats --clinic --by indication --measure fatigue --format csv
check "--by indication names the indication" grep -q ',indication,post-COVID fatigue$' out
st stats --clinic --from 2025-06-01 --to 2025-12-31 --format csv
check "--from/--to restrict courses by start date" test "$(awk -F, '$1=="fatigue" {print $2}' out)" -lt 74
st stats --clinic --format csv
check "eligible: the sample's courses with a baseline of at least 4 (fatigue)" test \
	"$(awk -F, '$1=="fatigue" {print $16}' out)" -eq "$(st stats --format csv && awk -F, '$3=="fatigue" && $4>=2 && $5>=4' out | wc -l)"
expect 0 "min_baseline per measure: pain.min_baseline 0" config set pain.min_baseline 0
st stats --clinic --format csv
check "min_baseline 0 makes every course eligible" test "$(awk -F, '$1=="pain" {print $2 == $16}' out)" = 1
expect 2 "min_baseline above the scale is refused" config set pain.min_baseline 10.5
st config unset pain.min_baseline
expect 2 "--by needs --clinic" stats --by therapist
expect 2 "bad --from date is a usage error" stats --from 2025-02-30
expect 1 "unknown patient: exit 1 with a message" stats --patient NOPE

# A tiny p-value reads "<0.0001" in text, never 0.0000; csv keeps the number.
st stats --patient P001 --measure fatigue
check "text slope_p of P001's fatigue is <0.0001" sh -c "tail -1 out | grep -q ' <0.0001 ' && ! grep -q ' 0.0000 ' out"
st stats --patient P001 --measure fatigue --format csv
check "csv slope_p keeps its value" sh -c "test \"\$(cut -d, -f13 out | tail -1)\" = 5.772147914e-10"

# Settings.
expect 0 "config set fatigue.mcid" config set fatigue.mcid 3
st config get fatigue.mcid
check "config get returns it" test "$(cat out)" = 3
st stats --patient P001 --measure fatigue --format csv
check "MCID 3 moves sessions_to_response" test "$(cut -d, -f15 out | tail -1)" -gt 5
expect 2 "mcid must be positive" config set fatigue.mcid -1
expect 2 "reliability below 1" config set pain.reliability 1.5
expect 2 "unknown key is refused" config set fatigue.mood 1
expect 2 "unknown measure is refused" config set mood.mcid 1
expect 2 "nan is not a number" config set fatigue.sd nan
expect 0 "sd may be fixed" config set fatigue.sd 2.5
st stats --patient P001 --measure fatigue --format csv
check "fixed SD gives rci = change / (sqrt(2)*2.5*sqrt(0.2))" python3 -c "
import csv,math; r=list(csv.DictReader(open('out')))[0]
want=float(r['change'])/(math.sqrt(2)*2.5*math.sqrt(0.2)); assert abs(float(r['rci'])-want)<1e-9, (r['rci'], want)"
expect 0 "config lists every setting" config
check "config list shows defaults and values" sh -c "grep -q '^fatigue.mcid  *3$' out && grep -q '^pain.mcid  *2 (default)$' out && grep -q '^course_gap' out"
expect 0 "config unset" config unset fatigue.mcid
# The referral letter's text settings: letterhead, per-measure label and instrument.
st config get sleep.label
check "a measure's label defaults to its plain name" test "$(cat out)" = "Sleep disturbance"
st config get fatigue.instrument
check "the instrument default says only what the contract says" test "$(cat out)" = "0-10 rating, 0 = no symptom, 10 = worst imaginable"
expect 0 "clinic_name takes text" config set clinic_name "Praxis für medizinische Massage Nord"
expect 0 "an instrument text of 200 characters" config set fatigue.instrument "$(printf '%0200d' 0)"
expect 2 "201 characters are refused" config set fatigue.instrument "$(printf '%0201d' 0)"
grep_err "the limit is named" "'fatigue.instrument' takes at most 200 characters"
expect 0 "a clinic name of 128 characters (two-byte letters count once)" config set clinic_name "$(printf 'ü%.0s' $(seq 1 128))"
expect 2 "129 characters are refused" config set clinic_name "$(printf 'ü%.0s' $(seq 1 129))"
expect 2 "a control character is refused" config set clinic_phone "$(printf '040\t123')"
grep_err "the reason is named" "'clinic_phone' takes one line of text"
expect 0 "a label of 40 characters" config set pain.label "$(printf '%040d' 0)"
expect 2 "a label of 41 characters is refused" config set pain.label "$(printf '%041d' 0)"
expect 0 "config unset pain.label" config unset pain.label
expect 2 "a label for an unknown measure is refused" config set mood.label Mood
expect 0 "config lists the letter's settings" config
check "config list shows the letterhead keys and labels" sh -c "grep -q '^clinic_email  *(default)$' out && grep -q '^pain.label  *Pain (default)$' out"
finish
