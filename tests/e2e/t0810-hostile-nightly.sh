#!/bin/sh
# t0810-hostile-nightly: what a careless or hostile world does to the charts
# and the nightly run (issue 13 items 5, 7, 8, folders of 15): names that are
# gnuplot syntax, concurrent writers into one folder, hostile inbox names
# and links, folders with the wrong mode or a link in their place.
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY=2025-02-01
have_gnuplot=0
command -v gnuplot >/dev/null 2>&1 && have_gnuplot=1

# svg_texts FILE...: every text an SVG shows, one per line (XML decoded).
cat >texts.py <<'PY'
import sys, xml.etree.ElementTree as ET
for f in sys.argv[1:]:
    for e in ET.parse(f).iter('{http://www.w3.org/2000/svg}text'):
        print(''.join(e.itertext()))
PY
# shows NAME FILE...: some text of the SVGs is exactly NAME.
shows() { want=$1; shift; python3 texts.py "$@" | grep -qxF -- "$want"; }
no_tmp() { ! find "$@" -name '*.tmp*' | grep -q .; }

# --- 5: names that are gnuplot syntax ------------------------------------------
T1='Team 100%'
T2='O'"'"'Brien "Who" & <i>co</i> \ @x {a} ^_ %s%d'
T3='`touch PWNED1` {/Symbol a} x^2_y ~a{.8-} '"'"'q'"'"' \\ "d" and a name as long as this one'
I1='back pain (50% disability)'
I2='long covid {brain fog} & 100% @home ^_ \n <b>'
P1='P%d{x}@y^_&'
cat >s.csv <<CSV
patient_id,session_date,fatigue,sleep,focus,pain,therapist
H1,2025-01-01,8,7,6,5,$T1
H1,2025-01-08,6,6,5,4,$T1
H1,2025-01-15,5,5,4,3,$T1
H2,2025-01-01,8,7,6,5,"$(printf '%s' "$T2" | sed 's/"/""/g')"
H2,2025-01-08,7,6,5,4,"$(printf '%s' "$T2" | sed 's/"/""/g')"
H2,2025-01-15,4,5,4,3,"$(printf '%s' "$T2" | sed 's/"/""/g')"
H3,2025-01-01,8,7,6,5,"$(printf '%s' "$T3" | sed 's/"/""/g')"
H3,2025-01-08,7,6,5,4,"$(printf '%s' "$T3" | sed 's/"/""/g')"
$P1,2025-01-01,8,7,6,5,$T1
$P1,2025-01-08,7,6,5,4,$T1
CSV
printf 'patient_id,referrer,indication\nH1,Dr A,%s\nH2,Dr B,%s\n' "$I1" "$I2" >p.csv
expect 0 "hostile names are valid input" ingest --patients p.csv s.csv
expect 0 "report clinic over names with %, quotes, markup (was exit 3)" report clinic --out rep
check "no temporary file left" no_tmp rep
if [ $have_gnuplot = 1 ]; then
	# (descriptions without the names: echo would read their backslashes)
	k=0
	for name in "$T1" "$T2" "$T3"; do
		k=$((k + 1))
		check "therapist $k: tic label shown as given" shows "$name" rep/clinic/rates-therapist.svg
	done
	k=0
	for name in "$I1" "$I2"; do
		k=$((k + 1))
		check "indication $k: tic label shown as given" shows "$name" rep/clinic/rates-indication.svg
	done
	check "chart titles shown as given" shows "Responder rate by therapist (Wilson 95% interval)" rep/clinic/rates-therapist.svg
	expect 0 "note for a patient id with %, {}, @, ^, _, &" report note --patient "$P1" --out rep
	check "multiplot title with the id shown as given" shows "Course $P1-C1: scores by session (0-10, lower is better)" rep/P_d_x__y___-*/course.svg
	check "panel titles and key entries shown" sh -c 'python3 texts.py rep/P_d_x__y___-*/course.svg | grep -qx fatigue && python3 texts.py rep/P_d_x__y___-*/course.svg | grep -qx score'
else
	skip "charts with hostile names" "gnuplot is not installed"
fi
check "no command ran" sh -c '! ls PWNED* rep/*/PWNED* 2>/dev/null | grep -q .'

# --- 8: concurrent writers into one folder -----------------------------------
"$SYMTREND" --db "$T/db8" ingest --patients "$TOP/sample-data/patients.csv" \
	"$TOP/sample-data/sessions-2025-h1.csv" >/dev/null 2>&1
for i in 1 2 3 4; do
	"$SYMTREND" --db "$T/db8" report clinic --out same >"out$i" 2>"err$i" &
	eval "pid$i=\$!"
done
ok4=0
for i in 1 2 3 4; do
	eval "wait \$pid$i" && ok4=$((ok4 + 1))
done
check "four 'report clinic --out same' at once: all four succeed ($ok4)" test $ok4 -eq 4
check "four at once: no temporary file left" no_tmp same
if [ $have_gnuplot = 1 ]; then
	check "four at once: every chart whole" sh -c 'for f in same/clinic/*.svg; do python3 texts.py "$f" >/dev/null || exit 1; done; test $(ls same/clinic/*.svg | wc -l) -eq 5'
fi
check "four at once: chart files 0600" sh -c 'for f in same/clinic/*; do test "$(stat -c %a "$f")" = 600 || exit 1; done'
finish
