/*
 * report_fhir.h - a letter as a FHIR R4 document Bundle (report_fhir.c,
 * built with jansson): Composition (LOINC 11488-4, the text letter's
 * sections as its narrative), Patient, Practitioner, Organization, one
 * Observation per scored session and measure of the letter's course, and a
 * DocumentReference carrying note.pdf.  fullUrls are urn:uuid: name-based
 * (version 5) UUIDs of the patient, course, run date and resource, so the
 * same letter on the same day gives the same bundle.
 */
#ifndef SYMTREND_REPORT_FHIR_H
#define SYMTREND_REPORT_FHIR_H

#include "report_letter.h"

/* Settings loaded from 's' (fhir_identifier_system, fhir_code_system,
 * MEASURE.loinc; the labels are the letter's); 'text' is the text letter
 * (report_letter_text), 'pdf' note.pdf.  The JSON into *out (caller frees):
 * 0, or -1 with err. */
int report_fhir_bundle(struct store *s, const struct report_letter *l, const char *text,
		       const struct strbuf *pdf, char **out, struct error *err);

/* A name-based (version 5, SHA-1) UUID of 'name' in symtrend's namespace,
 * "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx". */
void report_fhir_uuid(const char *name, char out[37]);

#endif
