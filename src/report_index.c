/*
 * report_index.c - the morning page's content (report_index.h): today's
 * alerts, the active courses, two periods compared, the day's files.
 */
#include "report_index.h"
#include "report.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "settings.h"

static int is_file(const char *out_dir, const char *rel)
{
	struct stat st;
	char *p = xasprintf("%s/%s", out_dir, rel);
	int ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

static int is_day_name(const char *s)
{
	long d;
	return strlen(s) == 10 && date_parse(s, 10, &d) == 0;
}

/* The dated run folders of OUT (YYYY-MM-DD), newest first (strv_free). */
static char **run_days(const char *out_dir)
{
	DIR *d = opendir(out_dir);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0, cap = 0, i, j;
	if (d) {
		while ((e = readdir(d)) != NULL) {
			if (!is_day_name(e->d_name))
				continue;
			v = xgrow(v, &cap, n + 2, sizeof(*v));
			v[n++] = xstrdup(e->d_name);
		}
		closedir(d);
	}
	v = xgrow(v, &cap, n + 1, sizeof(*v));
	v[n] = NULL;
	for (i = 1; i < n; i++) /* insertion sort, descending: a few hundred at most */
		for (j = i; j > 0 && strcmp(v[j - 1], v[j]) < 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

/* The newest letter of a patient under OUT, relative to OUT: a nightly's
 * DATE/notes/ID/note.html (not after today), else ID/note.html. */
static char *find_letter(const char *out_dir, char **days, const char *today, const char *pid)
{
	char *dname = safe_dirname(pid), *rel = NULL;
	size_t i;
	for (i = 0; days[i] && !rel; i++) {
		if (strcmp(days[i], today) > 0)
			continue;
		rel = xasprintf("%s/notes/%s/note.html", days[i], dname);
		if (!is_file(out_dir, rel)) {
			free(rel);
			rel = NULL;
		}
	}
	if (!rel) {
		rel = xasprintf("%s/note.html", dname);
		if (!is_file(out_dir, rel)) {
			free(rel);
			rel = NULL;
		}
	}
	free(dname);
	return rel;
}

static void add_link(struct report_index_link **v, size_t *n, const char *href,
		     const char *label)
{
	size_t cap = *n;
	*v = xgrow(*v, &cap, *n + 1, sizeof(**v));
	(*v)[*n].href = xstrdup(href);
	(*v)[*n].label = xstrdup(label);
	(*n)++;
}

/* The day's files that exist, and the previous days' pages. */
static void find_links(struct report_index *x, const char *out_dir, char **days)
{
	static const char *const files[][2] = {
		{ "clinic/report.html", "Clinic report" },
		{ "%s/summary.txt", "Today's summary" },
		{ "%s/alerts.csv", "Today's alerts (CSV)" },
		{ "%s/alerts.txt", "Today's alerts (text)" },
	};
	char *rel, *dir, *label;
	size_t i;
	DIR *d;
	struct dirent *e;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		rel = xasprintf(files[i][0], x->today);
		if (is_file(out_dir, rel))
			add_link(&x->links, &x->nlinks, rel, files[i][1]);
		free(rel);
	}
	/* The rejects of the day's files: OUT/TODAY/rejects/NAME */
	dir = xasprintf("%s/%s/rejects", out_dir, x->today);
	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			rel = xasprintf("%s/rejects/%s", x->today, e->d_name);
			label = xasprintf("Rejected rows: %s", e->d_name);
			if (is_file(out_dir, rel))
				add_link(&x->links, &x->nlinks, rel, label);
			free(rel);
			free(label);
		}
		closedir(d);
	}
	free(dir);
	for (i = 0; days[i] && x->ndays < REPORT_INDEX_MAX_DAYS; i++) {
		if (strcmp(days[i], x->today) >= 0)
			continue;
		rel = xasprintf("%s/index.html", days[i]);
		if (is_file(out_dir, rel))
			add_link(&x->days, &x->ndays, rel, days[i]);
		free(rel);
	}
}

static enum report_index_reading reading_of(const struct stats_course *r, double mcid)
{
	switch (outcome_change_reading(r, mcid)) {
	case OUTCOME_ONE_SESSION:
		return INDEX_ONE_SESSION;
	case OUTCOME_WORSE:
		return INDEX_WORSE;
	case OUTCOME_IMPROVED:
	case OUTCOME_RELIABLY_IMPROVED:
		return outcome_plateau_reached(r, mcid) ? INDEX_LEVELLED : INDEX_IMPROVING;
	default:
		return INDEX_NO_CHANGE;
	}
}

const char *report_index_word(enum report_index_reading r)
{
	static const char *const words[] = {
		[INDEX_ONE_SESSION] = "one session", [INDEX_IMPROVING] = "improving",
		[INDEX_LEVELLED] = "improved, levelled off", [INDEX_NO_CHANGE] = "no clear change",
		[INDEX_WORSE] = "worse",
	};
	return words[r];
}

static void add_active(struct report_index *x, const struct stats_ctx *sc,
		       const struct store_course *k, const char *name)
{
	struct report_index_course *c;
	struct stats_course r;
	size_t cap = x->nc, m;
	x->c = xgrow(x->c, &cap, x->nc + 1, sizeof(*x->c));
	c = &x->c[x->nc++];
	memset(c, 0, sizeof(*c));
	c->patient_id = xstrdup(k->patient_id);
	c->course_id = xstrdup(k->course_id);
	c->name = name ? xstrdup(name) : NULL;
	c->indication = k->indication ? xstrdup(k->indication) : NULL;
	c->therapist = k->therapist ? xstrdup(k->therapist) : NULL;
	c->sessions = k->n;
	c->from = k->date[0];
	c->to = k->date[k->n - 1];
	c->nscores = k->n;
	c->scores = xmalloc(k->n * x->nm * sizeof(double));
	for (m = 0; m < x->nm; m++) {
		size_t i;
		for (i = 0; i < k->n; i++)
			c->scores[i * x->nm + m] =
				m < k->nmeasures ? k->score[i * k->nmeasures + m] : NAN;
		stats_course_compute(sc, k, m, STATS_ALL, &r);
		c->m[m].n = r.n;
		c->m[m].baseline = r.baseline;
		c->m[m].latest = r.latest;
		c->m[m].change = r.change;
		c->m[m].reading = reading_of(&r, stats_ctx_settings(sc, m)->mcid);
	}
}

struct active_run {
	struct report_index *x;
	struct store *s;
	const struct stats_ctx *sc;
	long today;
};

static int active_course(void *arg, const struct store_course *k, struct error *err)
{
	struct active_run *a = arg;
	struct store_course_visits v;
	if (k->n == 0 || !outcome_active(k->date[k->n - 1], a->today, a->x->window))
		return 0;
	memset(&v, 0, sizeof(v));
	/* The name only when the clinic asked for names on the page. */
	if (a->x->show_names && store_course_visits(a->s, k, &v, err) < 0)
		return -1;
	add_active(a->x, a->sc, k, v.name);
	store_course_visits_release(&v);
	return 0;
}

/* The courses with a session in the alert_window days before today. */
static int find_active(struct report_index *x, struct store *s, const struct stats_ctx *sc,
		       long today, struct error *err)
{
	struct store_filter f = STORE_FILTER_INIT;
	struct active_run a = { x, s, sc, today };
	return store_for_each_course(s, &f, active_course, &a, err);
}

static int find_alerts(struct report_index *x, struct store *s, const char *out_dir,
		       char **days, struct error *err)
{
	size_t i;
	if (store_alerts_of_day(s, x->today, &x->alerts_, &x->alert_runs, err) < 0)
		return -1;
	if (x->alert_runs && !*x->alert_runs) { /* no run on that day */
		free(x->alert_runs);
		x->alert_runs = NULL;
	}
	x->nalerts = x->alerts_.n;
	x->alerts = xcalloc(x->nalerts ? x->nalerts : 1, sizeof(*x->alerts));
	for (i = 0; i < x->nalerts; i++) {
		x->alerts[i].a = &x->alerts_.v[i];
		x->alerts[i].letter = find_letter(out_dir, days, x->today,
						  x->alerts_.v[i].patient_id);
	}
	return 0;
}

int report_index_build(struct store *s, const struct stats_ctx *sc, const char *out_dir,
		       const char *today, long period, struct report_index *x, struct error *err)
{
	char **days = run_days(out_dir);
	long t;
	size_t m, i;
	int rc = -1;
	memset(x, 0, sizeof(*x));
	x->today = today;
	x->window = settings_long(s, "alert_window");
	x->show_names = settings_long(s, "index_show_names") == 1;
	x->nm = store_measure_count(s);
	for (m = 0; m < x->nm; m++)
		x->names[m] = store_measure_name(s, m);
	if (date_parse(today, strlen(today), &t) < 0) {
		error_set(err, ERR_USAGE, NULL, 0, "'%s' is not a date", today);
		goto out;
	}
	if (find_alerts(x, s, out_dir, days, err) < 0 || find_active(x, s, sc, t, err) < 0 ||
	    report_period_compare(s, sc, t, period, &x->p, err) < 0)
		goto out;
	for (i = 0; i < x->nc; i++)
		x->c[i].letter = find_letter(out_dir, days, today, x->c[i].patient_id);
	find_links(x, out_dir, days);
	rc = 0;
out:
	strv_free(days);
	return rc;
}

static void links_free(struct report_index_link *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(v[i].href);
		free(v[i].label);
	}
	free(v);
}

void report_index_release(struct report_index *x)
{
	size_t i;
	for (i = 0; i < x->nc; i++) {
		struct report_index_course *c = &x->c[i];
		free(c->patient_id);
		free(c->course_id);
		free(c->name);
		free(c->indication);
		free(c->therapist);
		free(c->letter);
		free(c->scores);
	}
	free(x->c);
	for (i = 0; i < x->nalerts; i++)
		free(x->alerts[i].letter);
	free(x->alerts);
	store_alerts_release(&x->alerts_);
	free(x->alert_runs);
	links_free(x->links, x->nlinks);
	links_free(x->days, x->ndays);
	memset(x, 0, sizeof(*x));
}
