/*
 * report.c - the report files: builds a report's data (report_note.c,
 * report_clinic.c), renders it as text and HTML (report_text.c,
 * report_html.c), queues its charts (report_charts.c) and writes the files
 * into their folders.  See report.h.
 */
#include "report_index.h"
#include "report_letter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Folders and files ------------------------------------------------------- */

static int ensure_dir(const char *dir, struct error *err)
{
	if (mkdir_private(dir) != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot create folder '%s': %s", dir,
			  strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes DIR/NAME from 'sb'. */
static int write_in(const char *dir, const char *name, const struct strbuf *sb,
		    struct error *err)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = write_file_atomic(path, sb->buf ? sb->buf : "", sb->len, err);
	free(path);
	return rc;
}

/* The letter's files: note.txt now, its charts, note.html and note.pdf with the batch. */
static int note_files(struct report_batch *b, const struct report_letter *l, const char *dir,
		      struct error *err)
{
	const struct report_note *n = &l->note;
	struct strbuf t = STRBUF_INIT, h = STRBUF_INIT;
	char *base[2], *caption[2], *path = xasprintf("%s/note.html", dir);
	size_t nc = 1 + (size_t)report_charts_has_episode(n), i;
	int rc;
	base[0] = xasprintf("%s/course", dir);
	base[1] = xasprintf("%s/episode", dir);
	caption[0] = report_charts_note_caption(n);
	caption[1] = report_charts_episode_caption(n);
	report_letter_text(&t, l);
	rc = write_in(dir, "note.txt", &t, err);
	if (rc == 0) {
		if (report_batch_charts(b)) {
			report_charts_note(b, n, l->label, base[0]);
			if (nc > 1)
				report_charts_episode(b, n, l->label, base[1]);
		}
		report_letter_html(&h, l);
		report_batch_add_html(b, path, &h, base, caption, nc);
		report_batch_inline_svg(b); /* the letter's charts: inline (issue 12) */
		free(path);
		path = xasprintf("%s/note.pdf", dir);
		report_batch_add_pdf(b, path,
				     report_letter_pdf_new(l, t.buf ? t.buf : "", caption, nc),
				     base, nc);
	}
	sb_release(&t);
	sb_release(&h);
	for (i = 0; i < 2; i++) {
		free(base[i]);
		free(caption[i]);
	}
	free(path);
	return rc;
}

int report_note(struct report_batch *b, struct store *s, const struct stats_ctx *sc,
		const struct report_models *rm, const char *pid, const char *course_id,
		const char *out_dir, const char *today, char **dir_out, struct error *err)
{
	static const struct report_letter_opts none = { NULL, NULL, 0 };
	return report_letter(b, s, sc, rm, pid, course_id, &none, out_dir, today, dir_out, err);
}

int report_letter(struct report_batch *b, struct store *s, const struct stats_ctx *sc,
		  const struct report_models *rm, const char *pid, const char *course_id,
		  const struct report_letter_opts *o, const char *out_dir, const char *today,
		  char **dir_out, struct error *err)
{
	struct report_letter n;
	char *dname = NULL, *dir = NULL;
	int ret = report_letter_build(s, sc, rm, pid, course_id, today, o, &n, err);
	if (ret != 0)
		goto out;
	ret = -1;
	dname = safe_dirname(pid);
	dir = xasprintf("%s/%s", out_dir, dname);
	if (ensure_dir(dir, err) < 0 || note_files(b, &n, dir, err) < 0)
		goto out;
	*dir_out = dir;
	dir = NULL;
	ret = 0;
out:
	report_letter_release(&n);
	free(dname);
	free(dir);
	return ret;
}

/* OUT/clinic, or OUT/clinic-FROM-TO for a window ("start", "end" when open). */
static char *clinic_dir(const char *out_dir, const struct store_filter *f)
{
	char d1[11], d2[11];
	int from = f->from != STORE_DATE_OPEN, to = f->to != STORE_DATE_OPEN;
	if (!from && !to)
		return xasprintf("%s/clinic", out_dir);
	date_format(from ? f->from : 0, d1);
	date_format(to ? f->to : 2932896, d2);
	return xasprintf("%s/clinic-%s-%s", out_dir, from ? d1 : "start", to ? d2 : "end");
}

/* DIR/report.txt, written as it is made. */
static int clinic_text(const struct report_clinic *c, const char *dir, struct error *err)
{
	struct strbuf t = STRBUF_INIT;
	struct outfile of;
	char *path = xasprintf("%s/report.txt", dir);
	int rc = outfile_open(&of, path, err);
	if (rc == 0) {
		sb_to_outfile(&t, &of);
		report_clinic_text(&t, c);
		sb_flush(&t);
		rc = outfile_commit(&of, err);
	}
	sb_release(&t);
	free(path);
	return rc;
}

/* The clinic report's files: report.txt now, charts and report.html with the batch. */
static int clinic_files(struct report_batch *b, const struct report_clinic *c, const char *dir,
			struct error *err)
{
	/* In the page: Kaplan-Meier after the table, then means, waterfall, rates. */
	static const int order[5] = { 4, 0, 1, 2, 3 };
	static const char *const captions[5] = {
		"Mean score by session number with its 95% interval (session numbers reached by 3 or more courses)",
		"Waterfall: change of every course, sorted; dashed line: minus the MCID",
		"Responder rate by therapist with Wilson 95% intervals",
		"Responder rate by indication with Wilson 95% intervals",
		"Kaplan-Meier curve of sessions to the MCID over the eligible courses; + marks where courses were censored (their last score, the MCID not reached); numbers at risk under the axis",
	};
	struct strbuf h = STRBUF_INIT;
	char *bases[5] = { 0 }, *charts[5], *caps[5], *path = xasprintf("%s/report.html", dir);
	size_t i;
	FILE *spool = NULL;
	int rc = clinic_text(c, dir, err);
	/* The lists of courses grow with the clinic: both pages go to their
	 * files as they are written, never whole in memory. */
	if (rc == 0 && !(spool = tmp_spool(path, err)))
		rc = -1;
	if (rc == 0) {
		if (report_batch_charts(b))
			report_charts_clinic(b, c, dir, bases);
		for (i = 0; i < 5; i++) {
			charts[i] = bases[order[i]] ? xstrdup(bases[order[i]]) : xasprintf("%s/none", dir);
			caps[i] = (char *)captions[order[i]];
		}
		sb_to_file(&h, spool);
		report_clinic_html(&h, c);
		sb_flush(&h);
		report_batch_add_spool(b, path, spool, charts, caps, 5);
		for (i = 0; i < 5; i++)
			free(charts[i]);
	}
	for (i = 0; i < 5; i++)
		free(bases[i]);
	sb_release(&h);
	free(path);
	return rc;
}

int report_clinic(struct report_batch *b, struct store *s, const struct stats_ctx *sc,
		  const struct report_models *rm, const struct store_filter *f,
		  const char *out_dir, const char *today, char **dir_out, struct error *err)
{
	struct report_clinic c;
	char *dir = NULL;
	int ret = -1;
	char *near;
	memset(&c, 0, sizeof(c));
	dir = clinic_dir(out_dir, f);
	if (ensure_dir(dir, err) < 0)
		goto out;
	/* The long lists wait in scratch files in the report's own folder. */
	near = xasprintf("%s/report.txt", dir);
	ret = report_clinic_build(s, sc, rm, f, today, near, &c, err);
	free(near);
	if (ret == 0) {
		/* Links both ways: the morning page beside the clinic folder. */
		char *idx = xasprintf("%s/../index.html", dir);
		struct stat st;
		c.morning_page = stat(idx, &st) == 0 && S_ISREG(st.st_mode);
		free(idx);
	}
	if (ret < 0 || clinic_files(b, &c, dir, err) < 0) {
		ret = -1;
		goto out;
	}
	*dir_out = dir;
	dir = NULL;
	ret = 0;
out:
	report_clinic_release(&c);
	free(dir);
	return ret;
}

/* The morning page: built (report_index.c), rendered (report_index_html.c)
 * and written here, with the day's copy one folder down. */
int report_index_write(struct store *s, const struct stats_ctx *sc, const char *out_dir,
		       const char *today, long period, struct error *err)
{
	struct report_index x;
	struct strbuf h = STRBUF_INIT;
	char *path = NULL;
	struct stat st;
	int rc = report_index_build(s, sc, out_dir, today, period, &x, err);
	if (rc == 0) {
		report_index_html(&h, &x, "");
		path = xasprintf("%s/index.html", out_dir);
		rc = write_file_atomic(path, h.buf ? h.buf : "", h.len, err);
		free(path);
		path = xasprintf("%s/%s", out_dir, today);
		if (rc == 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			/* The day's copy: the same page, one folder down. */
			sb_reset(&h);
			report_index_html(&h, &x, "../");
			free(path);
			path = xasprintf("%s/%s/index.html", out_dir, today);
			rc = write_file_atomic(path, h.buf, h.len, err);
		}
		free(path);
	}
	sb_release(&h);
	report_index_release(&x);
	return rc;
}
