/*
 * fuzz_xlsx.c - libFuzzer target for the workbook reader: broken zips, zip
 * bombs, huge shared string tables, deep or hostile XML, cells anywhere.
 * The input is the .xlsx file; every row handed out must be consistent.
 */
#include <stdint.h>
#include <string.h>

#include "xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err = ERROR_INIT;
	struct xlsx_reader *x = xlsx_open("fuzz.xlsx", NULL, data, size, &err);
	struct xlsx_row row;
	int rc;
	size_t i;
	if (x) {
		while ((rc = xlsx_next_row(x, &row, &err)) == 1) {
			if (row.ncells > XLSX_MAX_COLS || row.line < 1)
				__builtin_trap();
			for (i = 0; i < row.ncells; i++) {
				const struct xlsx_cell *c = &row.cell[i];
				if (!c->text || strlen(c->text) > c->len || c->len > XLSX_MAX_CELL ||
				    (c->type == XLSX_EMPTY) != (c->len == 0))
					__builtin_trap();
			}
		}
		if (rc < 0 && !err.reason)
			__builtin_trap();
		xlsx_free(x);
	} else if (!err.reason) {
		__builtin_trap();
	}
	error_release(&err);
	return 0;
}
