/*
 * fuzz_csvin.c - libFuzzer target for the CSV reader: dialect detection
 * (delimiter, decimal comma, date forms), decoding, header mapping, record
 * splitting, libcsv, every validation rule (dates, scores, ids, UTF-8), and
 * workbooks when the file is a zip; telling a file's kind from its open
 * FILE (csvin_sniff), as nightly does.  The first byte picks the kind of file,
 * the encoding and the slash-date order; the rest is the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csvin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const m[] = { "fatigue", "sleep", "focus", "pain", "dizziness" };
	static const char *const enc[] = { NULL, "WINDOWS-1252", "UTF-16LE", NULL };
	struct csvin_opts opts;
	struct error err = ERROR_INIT;
	struct csvin_record rec;
	struct csvin_reader *r;
	enum csvin_kind kind;
	FILE *fp;
	int rc;
	if (size < 1)
		return 0;
	/* bit 0: kind; bits 1-2: encoding; bits 3-4: slash dates */
	kind = (data[0] & 1) ? CSVIN_PATIENTS : CSVIN_SESSIONS;
	opts.encoding = enc[(data[0] >> 1) & 3];
	opts.slash_dates = (enum csvin_date_format)(((data[0] >> 3) & 3) % 3);
	data++;
	size--;
	fp = size ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb");
	if (!fp)
		return 0;
	/* As nightly reads an inbox file: its kind told from the open file,
	 * which is then read again from its start. */
	if (csvin_sniff("fuzz.csv", fp, &err) >= 0 && ftell(fp) != 0)
		__builtin_trap();
	error_release(&err);
	r = csvin_open_opts("fuzz.csv", fp, kind, m, 5, &opts, &err);
	if (r) {
		while ((rc = csvin_next(r, &rec, &err)) == 1) {
			/* Every record keeps its raw text and a line inside the input. */
			if (rec.line < 1 || (rec.raw_len && !rec.raw))
				__builtin_trap();
			/* A valid session has a patient (any date may be before 1970). */
			if (!rec.reason && kind == CSVIN_SESSIONS && !rec.session.patient_id)
				__builtin_trap();
		}
		(void)csvin_sha256(r);
		csvin_free(r);
	}
	error_release(&err);
	fclose(fp);
	return 0;
}
