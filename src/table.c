/*
 * table.c - see table.h.  Text cells are printed as they are (the input
 * was validated: no control characters); CSV and JSON escape every string.
 */
#include "table.h"

#include <math.h>
#include <string.h>

#include "util.h"

const char *const table_formats[] = { "text", "csv", "json", NULL };

void table_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', out);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\r')
			fputs("\\r", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == '&')
			/* Control bytes, and markup so the JSON is safe inside HTML too. */
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void csv_string(FILE *out, const char *s)
{
	size_t i, n = strlen(s);
	int quote = 0;
	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			quote = 1;
	/* A cell starting with = + - @ (or tab, CR) is a formula to a spreadsheet. */
	if (csv_is_formula(s, n))
		quote = 2;
	if (!quote) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	if (quote == 2)
		fputc('\'', out);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', out);
		fputc(s[i], out);
	}
	fputc('"', out);
}

void table_begin(struct table *t, FILE *out, enum table_format fmt,
		 const struct table_col *cols, size_t ncols)
{
	size_t i;
	t->out = out;
	t->fmt = fmt;
	t->cols = cols;
	t->ncols = ncols;
	t->col = 0;
	t->rows = 0;
	if (fmt == TABLE_JSON) {
		fputc('[', out);
		return;
	}
	for (i = 0; i < ncols; i++) {
		if (fmt == TABLE_CSV)
			fprintf(out, "%s%s", i ? "," : "", cols[i].name);
		else
			fprintf(out, "%s%*s", i ? " " : "", cols[i].width, cols[i].name);
	}
	fputc('\n', out);
}

static void cell_start(struct table *t)
{
	if (t->col >= t->ncols)
		return;
	if (t->fmt == TABLE_JSON) {
		if (t->col == 0)
			fputs(t->rows ? ",\n{" : "\n{", t->out);
		else
			fputc(',', t->out);
		table_json_string(t->out, t->cols[t->col].name);
		fputc(':', t->out);
	} else if (t->col > 0) {
		fputc(t->fmt == TABLE_CSV ? ',' : ' ', t->out);
	}
}

void table_str(struct table *t, const char *s)
{
	cell_start(t);
	if (t->fmt == TABLE_JSON)
		s ? table_json_string(t->out, s) : (void)fputs("null", t->out);
	else if (t->fmt == TABLE_CSV)
		csv_string(t->out, s ? s : "");
	else
		fprintf(t->out, "%*s", t->cols[t->col].width, s ? s : "-");
	t->col++;
}

/*
 * printf's "%.10g" of a finite v with 1e-4 <= |v| < 1e10 (the plain, not
 * exponent, form), without printf: glibc rounds through multiple precision,
 * and that was a fifth of 'stats --format csv'.  v * 10^k (k = 9 - exponent)
 * is within about 1e-6 of the exact product, so rounding it to an integer
 * gives printf's 10 digits unless its fraction is within 1e-5 of one half;
 * those, a carry to the next power of ten and every other range return 0
 * and are left to printf.
 */
static int plain_g10(double v, char *out)
{
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
				      1e11, 1e12, 1e13 };
	double a = fabs(v), scaled, fl;
	char d[10];
	long long m;
	int x, i = 0, n, point;
	if (!(a >= 1e-4 && a < 1e10))
		return 0;
	x = (int)floor(log10(a));
	if (x < -4 || x > 9)
		return 0;
	scaled = a * p10[9 - x];
	/* log10 may be one off next to a power of ten */
	if (scaled < 1e9 && x > -4)
		scaled = a * p10[9 - --x];
	else if (scaled >= 1e10 && x < 9)
		scaled = a * p10[9 - ++x];
	if (!(scaled >= 1e9 && scaled < 1e10))
		return 0;
	fl = floor(scaled);
	if (fabs(scaled - fl - 0.5) < 1e-5)
		return 0;
	m = (long long)fl + (scaled - fl > 0.5);
	if (m >= 10000000000LL)
		return 0;
	for (n = 9; n >= 0; n--, m /= 10) /* m has exactly 10 digits */
		d[n] = (char)('0' + m % 10);
	for (n = 10; n > 0 && d[n - 1] == '0'; n--)
		;
	if (v < 0)
		out[i++] = '-';
	if (x >= 0) {
		point = x + 1;
		memcpy(out + i, d, (size_t)point);
		i += point;
		if (n > point) {
			out[i++] = '.';
			memcpy(out + i, d + point, (size_t)(n - point));
			i += n - point;
		}
	} else {
		out[i++] = '0';
		out[i++] = '.';
		memset(out + i, '0', (size_t)(-x - 1));
		i += -x - 1;
		memcpy(out + i, d, (size_t)n);
		i += n;
	}
	out[i] = 0;
	return 1;
}

void table_format_g10(double v, char out[32])
{
	if (v == 0) /* -0 too: no "-0" */
		snprintf(out, 32, "0");
	else if (!plain_g10(v, out))
		snprintf(out, 32, "%.10g", v);
}

void table_num(struct table *t, double v)
{
	cell_start(t);
	if (!isfinite(v)) {
		if (t->fmt == TABLE_JSON)
			fputs("null", t->out);
		else if (t->fmt == TABLE_TEXT)
			fprintf(t->out, "%*s", t->cols[t->col].width, "-");
	} else if (t->fmt == TABLE_TEXT) {
		if (fabs(v) < 0.5 * pow(10, -t->cols[t->col].decimals))
			v = 0; /* no "-0.00" */
		fprintf(t->out, "%*.*f", t->cols[t->col].width, t->cols[t->col].decimals, v);
	} else {
		char buf[32];
		table_format_g10(v, buf);
		fputs(buf, t->out);
	}
	t->col++;
}

void table_p(struct table *t, double p)
{
	int d = t->cols[t->col].decimals;
	if (t->fmt == TABLE_TEXT && isfinite(p) && p > 0 && p < 0.5 * pow(10, -d)) {
		/* A p-value is never 0: "<0.0001", not "0.0000". */
		char buf[32];
		cell_start(t);
		snprintf(buf, sizeof(buf), "<%.*f", d, pow(10, -d));
		fprintf(t->out, "%*s", t->cols[t->col].width, buf);
		t->col++;
		return;
	}
	table_num(t, p);
}

void table_int(struct table *t, long v)
{
	cell_start(t);
	if (t->fmt == TABLE_TEXT)
		fprintf(t->out, "%*ld", t->cols[t->col].width, v);
	else
		fprintf(t->out, "%ld", v);
	t->col++;
}

void table_end_row(struct table *t)
{
	if (t->fmt == TABLE_JSON)
		fputc('}', t->out);
	else
		fputc('\n', t->out);
	t->col = 0;
	t->rows++;
}

void table_end(struct table *t)
{
	if (t->fmt == TABLE_JSON)
		fputs(t->rows ? "\n]\n" : "]\n", t->out);
}
