#!/bin/sh
# t0700-model: 'symtrend model' against lme4 (tests/fixtures/model.R) on
# the sample clinic, 3,000 generated sessions and a boundary fit, plus the
# output formats and the note's expected-course line.
. "$(dirname "$0")/lib.sh"
FIX=$TOP/tests/fixtures/r

for ds in sample gen3000 boundary; do
	rm -f db db-wal db-shm
	case $ds in
	sample) st ingest --patients "$TOP/sample-data/patients.csv" "$TOP"/sample-data/sessions-2025-h*.csv ;;
	*) st ingest "$DATA/$ds.csv" ;;
	esac
	st model --format csv; cp out "model-$ds.csv"
	check "$ds: model agrees with lme4" python3 "$TOP/tests/cmpmodel.py" "$FIX/model-$ds.csv" "model-$ds.csv" $([ $ds = boundary ] && echo boundary)
done
check "boundary fit: slope SD near zero, correlation at -1" python3 -c "
import csv; r=[x for x in csv.DictReader(open('model-boundary.csv')) if x['measure']=='fatigue'][0]
assert float(r['sd_slope']) < 0.1 * float(r['sigma']) and float(r['corr']) < -0.99, r"
rm -f db db-wal db-shm
st ingest --patients "$TOP/sample-data/patients.csv" "$TOP"/sample-data/sessions-2025-h*.csv
expect 0 "model --by indication" model --by indication --format json
check "one model per indication and one for the clinic" python3 -c "
import json; d=json.load(open('out')); g={r['group'] for r in d}
assert None in g and 'post-COVID fatigue' in g and len(g) == 7, g"
expect 0 "model --measure pain, text" model --measure pain
check "text table names the measure" grep -q '^pain ' out
expect 2 "model --by therapist is not offered" model --by therapist

# The note and the clinic report use the model.
SYMTREND_TODAY=2026-01-15 st report note --patient P001 --out rep
check "note: one expected-course line per measure, naming its model" test "$(grep -c " the expected course (the whole clinic's model, 74" rep/P001/note.txt)" -eq 4
check "note: P001's steady improvement is ahead of the clinic's" sh -c "grep -A4 '^Fatigue\$' rep/P001/note.txt | grep -q '^  ahead of the expected course'"
check "note: the expected trajectory is in the chart script" sh -c "command -v gnuplot >/dev/null || exit 0; grep -q 'expected from first score' rep/P001/course.svg"
st report clinic --out rep
# The sample's indications have too few courses for models of their own: the
# comparison is against the clinic's model, and says it is not fair (issue 20).
check "clinic report: therapists against the expected change, not called fair" sh -c "grep -q '^Therapists against the expected course (not a fair comparison:' rep/clinic/report.txt && ! grep -q 'compared fairly' rep/clinic/report.txt"
check "clinic report: every therapist per measure, with an interval" test "$(sed -n '/^Therapists against the expected course/,/^A course counts for/p' rep/clinic/report.txt | grep -c ' to ')" -eq 16
check "clinic report: the uncontrolled-course caveat beside the before/after table" grep -q '^These are before/after changes of uncontrolled courses' rep/clinic/report.txt
check "clinic report: the fair comparison says plainly that no interval excludes 0, and how far they reach" grep -q "^No difference from the expected change was detected: every adjusted interval\$" rep/clinic/report.txt
finish
