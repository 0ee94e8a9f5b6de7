/*
 * fuzz_csvin.c - libFuzzer target for the CSV reader: header mapping,
 * record splitting, libcsv, every validation rule (dates, scores, ids,
 * UTF-8).  The first byte picks the kind of file; the rest is the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csvin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const m[] = { "fatigue", "sleep", "focus", "pain", "dizziness" };
	struct error err = ERROR_INIT;
	struct csvin_record rec;
	struct csvin_reader *r;
	enum csvin_kind kind;
	FILE *fp;
	int rc;
	if (size < 1)
		return 0;
	kind = (data[0] & 1) ? CSVIN_PATIENTS : CSVIN_SESSIONS;
	data++;
	size--;
	fp = size ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb");
	if (!fp)
		return 0;
	r = csvin_open("fuzz.csv", fp, kind, m, 5, &err);
	if (r) {
		while ((rc = csvin_next(r, &rec, &err)) == 1) {
			/* Every record keeps its raw text and a line inside the input. */
			if (rec.line < 1 || (rec.raw_len && !rec.raw))
				__builtin_trap();
			if (!rec.reason && kind == CSVIN_SESSIONS &&
			    (!rec.session.patient_id || rec.session.date < 0))
				__builtin_trap();
		}
		(void)csvin_sha256(r);
		csvin_free(r);
	}
	error_release(&err);
	fclose(fp);
	return 0;
}
