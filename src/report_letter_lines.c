/*
 * report_letter_lines.c - the text letter (report_letter_text) read back as
 * lines with their part: letterhead, date, heading, text, table row.  The
 * PDF and the FHIR narrative are made from these lines, so they say what
 * note.txt says, word for word and line for line (report_letter.h).
 */
#include "report_letter.h"

#include <stdlib.h>
#include <string.h>

/* A heading's first word: two or more capitals and nothing else
 * ("IN SHORT", "SCORES (0-10, ...)"). */
static int caps_word(const char *s)
{
	size_t n = 0;
	while (s[n] >= 'A' && s[n] <= 'Z')
		n++;
	return n >= 2 && (s[n] == ' ' || s[n] == '\0' || s[n] == ':');
}

static void push(struct report_lines *ls, enum report_line_kind kind, size_t indent,
		 const char *text, size_t len)
{
	struct report_line *x;
	ls->v = xgrow(ls->v, &ls->cap, ls->n + 1, sizeof(*ls->v));
	x = &ls->v[ls->n++];
	x->kind = kind;
	x->indent = indent;
	x->text = xstrndup(text, len);
	x->left = NULL;
}

/* The date line: REPORT_WIDTH columns, ending with the run date. */
static int is_date_line(const char *p, size_t len, const char *today)
{
	size_t tl = strlen(today);
	return len == REPORT_WIDTH && tl < len && !memcmp(p + len - tl, today, tl) &&
	       p[len - tl - 1] == ' ';
}

void report_letter_lines(struct report_lines *out, const char *text, const char *today)
{
	const char *p = text, *q;
	size_t first = 0, i;
	int dated = 0, after_blank = 1;
	memset(out, 0, sizeof(*out));
	/* The letterhead ends at the date line; a letter without one has none. */
	for (q = text; *q;) {
		const char *e = strchr(q, '\n');
		size_t len = e ? (size_t)(e - q) : strlen(q);
		if (is_date_line(q, len, today)) {
			dated = 1;
			break;
		}
		first++;
		q += len + (e != NULL);
	}
	if (!dated)
		first = 0;
	for (i = 0; *p; i++) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p), ind = 0;
		while (ind < len && p[ind] == ' ')
			ind++;
		if (dated && i < first) {
			push(out, REPORT_LINE_LETTERHEAD, 0, p + ind, len - ind);
		} else if (dated && i == first) {
			size_t tl = strlen(today), l = len - tl;
			while (l > 0 && p[l - 1] == ' ')
				l--;
			push(out, REPORT_LINE_DATE, 0, today, tl);
			if (l > ind)
				out->v[out->n - 1].left = xstrndup(p + ind, l - ind);
		} else if (ind == len) {
			push(out, REPORT_LINE_BLANK, 0, "", 0);
		} else {
			enum report_line_kind k = REPORT_LINE_TEXT;
			push(out, k, ind, p + ind, len - ind);
			if (after_blank && ind == 0 && caps_word(out->v[out->n - 1].text))
				k = REPORT_LINE_HEADING;
			else if (memmem(p + ind, len - ind, "  ", 2))
				k = REPORT_LINE_TABLE;
			out->v[out->n - 1].kind = k;
		}
		after_blank = ind == len;
		p += len + (e != NULL);
	}
}

void report_lines_release(struct report_lines *ls)
{
	size_t i;
	for (i = 0; i < ls->n; i++) {
		free(ls->v[i].text);
		free(ls->v[i].left);
	}
	free(ls->v);
	memset(ls, 0, sizeof(*ls));
}
