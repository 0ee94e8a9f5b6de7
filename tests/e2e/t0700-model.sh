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
finish
