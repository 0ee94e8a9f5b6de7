/*
 * report_index.c - the morning page's content (report_index.h): today's
 * alerts, the active courses, two periods compared, the day's files.
 */
#include "report_index.h"
#include "reading.h"
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

const char *report_index_word(unsigned st, int mild)
{
	if (st & OUTCOME_WORSE_ST)
		return "worse";
	if (st & OUTCOME_RELAPSE_ST)
		return "relapse";
	if (st & OUTCOME_LOST_ST)
		return "response lost";
	if (st & OUTCOME_NO_RESPONSE_ST)
		return "no response";
	if (st & OUTCOME_LEVELLED_ST)
		return "improved, levelled off";
	if (st & OUTCOME_RESPONDED_ST)
		return "improved";
	if (st & OUTCOME_IMPROVING_ST)
		return "improving";
	if (st & OUTCOME_NOT_JUDGED)
		return mild ? "mild at the start" : "too few scores";
	return "no clear change";
}

enum report_index_need report_index_need_of(const char *kind)
{
	static const char *const need[INDEX_NEEDS] = { "worse", "relapse", "response_lost",
						      "no_response" };
	int k;
	for (k = 0; k < INDEX_NEEDS; k++)
		if (!strcmp(kind, need[k]))
			return (enum report_index_need)k;
	return INDEX_NEEDS;
}

static void add_active(struct report_index *x, const struct reading *rd, size_t k,
		       const char *name)
{
	const struct store_course *kc = &rd->course[k];
	struct report_index_course *c;
	size_t cap = x->nc, m;
	x->c = xgrow(x->c, &cap, x->nc + 1, sizeof(*x->c));
	c = &x->c[x->nc++];
	memset(c, 0, sizeof(*c));
	c->patient_id = xstrdup(kc->patient_id);
	c->course_id = xstrdup(kc->course_id);
	c->name = name ? xstrdup(name) : NULL;
	c->indication = kc->indication ? xstrdup(kc->indication) : NULL;
	c->therapist = kc->therapist ? xstrdup(kc->therapist) : NULL;
	c->sessions = kc->n;
	c->from = kc->date[0];
	c->to = kc->date[kc->n - 1];
	c->nscores = kc->n;
	c->step = rd->oc[k].step;
	c->scores = xmalloc(kc->n * x->nm * sizeof(double));
	for (m = 0; m < x->nm; m++) {
		const struct stats_course *r = &rd->r[k][m];
		size_t i;
		for (i = 0; i < kc->n; i++)
			c->scores[i * x->nm + m] =
				m < kc->nmeasures ? kc->score[i * kc->nmeasures + m] : NAN;
		c->m[m].n = r->n;
		c->m[m].baseline = r->baseline;
		c->m[m].latest = r->latest;
		c->m[m].change = r->change;
		c->m[m].states = rd->oc[k].m[m].states;
		c->m[m].mild = rd->oc[k].m[m].mild;
	}
}

struct active_run {
	struct report_index *x;
	struct store *s;
	long today;
	char **pids; /* the patients with an active course, in order, each once */
	size_t n, cap;
};

static int active_course(void *arg, const struct store_course *k, struct error *err)
{
	struct active_run *a = arg;
	(void)err;
	if (k->n == 0 || !outcome_active(k->date[k->n - 1], a->today, a->x->window))
		return 0;
	if (a->n && !strcmp(a->pids[a->n - 1], k->patient_id))
		return 0; /* courses come patient by patient */
	a->pids = xgrow(a->pids, &a->cap, a->n + 1, sizeof(*a->pids));
	a->pids[a->n++] = xstrdup(k->patient_id);
	return 0;
}

/* The active courses of one patient, from the patient's reading. */
static int active_patient(struct active_run *a, const struct stats_ctx *sc,
			  const struct outcome_rules *rules, const char *pid, struct error *err)
{
	struct reading rd;
	struct store_course_visits v;
	size_t k;
	int rc = reading_patient(a->s, sc, rules, pid, a->today, READING_ACTIVE, &rd, err);
	memset(&v, 0, sizeof(v));
	for (k = 0; rc == 0 && k < rd.n; k++) {
		if (!rd.oc[k].active)
			continue;
		/* The name only when the clinic asked for names on the page. */
		if (a->x->show_names && !v.name && store_course_visits(a->s, &rd.course[k], &v, err) < 0)
			rc = -1;
		else
			add_active(a->x, &rd, k, v.name);
	}
	store_course_visits_release(&v);
	reading_release(&rd);
	return rc < 0 ? -1 : 0;
}

/* The courses with a session in the alert_window days before today. */
static int find_active(struct report_index *x, struct store *s, const struct stats_ctx *sc,
		       long today, struct error *err)
{
	struct store_filter f = STORE_FILTER_INIT;
	struct active_run a = { x, s, today, NULL, 0, 0 };
	struct outcome_rules rules;
	size_t i;
	int rc;
	settings_rules(s, &rules);
	rc = store_for_each_course(s, &f, active_course, &a, err);
	for (i = 0; rc == 0 && i < a.n; i++)
		rc = active_patient(&a, sc, &rules, a.pids[i], err);
	for (i = 0; i < a.n; i++)
		free(a.pids[i]);
	free(a.pids);
	return rc;
}

/* Patients counted once per need: the alerts are sorted by first raised,
 * so a patient may come back; a small set of seen (need, patient). */
static void count_needs(struct report_index *x)
{
	size_t i, j;
	for (i = 0; i < x->nalerts; i++) {
		const struct store_alert *a = x->alerts[i].a;
		enum report_index_need k = report_index_need_of(a->kind);
		int seen = 0;
		if (a->ack_user) {
			x->acked++;
			continue;
		}
		for (j = 0; j < i && !seen; j++) {
			const struct store_alert *b = x->alerts[j].a;
			seen = !b->ack_user && report_index_need_of(b->kind) == k &&
			       !strcmp(a->patient_id, b->patient_id);
		}
		if (seen)
			continue;
		if (k != INDEX_NEEDS)
			x->need_patients[k]++;
	}
	/* Good news counts the patients whose only open alerts are plateaus:
	 * one who also needs a look is not good news (the list shows both). */
	for (i = 0; i < x->nalerts; i++) {
		const struct store_alert *a = x->alerts[i].a;
		int other = 0;
		if (a->ack_user || report_index_need_of(a->kind) != INDEX_NEEDS)
			continue;
		for (j = 0; j < x->nalerts && !other; j++) {
			const struct store_alert *b = x->alerts[j].a;
			/* a need of the same patient, or an earlier plateau of theirs
			 * (counted there) */
			other = !strcmp(a->patient_id, b->patient_id) &&
				(report_index_need_of(b->kind) != INDEX_NEEDS ||
				 (j < i && !b->ack_user));
		}
		x->plateau_patients += !other;
	}
}

static int find_alerts(struct report_index *x, struct store *s, const char *out_dir,
		       char **days, struct error *err)
{
	struct store_alerts today = STORE_ALERTS_INIT;
	size_t i;
	/* Today's runs, for the line that says when the page was brought up to date. */
	if (store_alerts_of_day(s, x->today, &today, &x->alert_runs, err) < 0)
		return -1;
	store_alerts_release(&today);
	if (x->alert_runs && !*x->alert_runs) { /* no run on that day */
		free(x->alert_runs);
		x->alert_runs = NULL;
	}
	if (store_alerts_open(s, &x->alerts_, err) < 0)
		return -1;
	x->nalerts = x->alerts_.n;
	x->alerts = xcalloc(x->nalerts ? x->nalerts : 1, sizeof(*x->alerts));
	for (i = 0; i < x->nalerts; i++) {
		x->alerts[i].a = &x->alerts_.v[i];
		x->alerts[i].letter = find_letter(out_dir, days, x->today,
						  x->alerts_.v[i].patient_id);
	}
	count_needs(x);
	return 0;
}

int report_index_build(struct store *s, const struct stats_ctx *sc, const char *out_dir,
		       const char *today, long period, struct report_index *x, struct error *err)
{
	char **days = run_days(out_dir);
	const struct clinic_settings *cs = settings_get(s);
	long t;
	size_t m, i;
	int rc = -1;
	memset(x, 0, sizeof(*x));
	x->today = today;
	x->window = cs->alert_window;
	x->show_names = cs->index_show_names == 1;
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
	if (is_file(out_dir, "clinic/report.html"))
		x->clinic_report = xstrdup("clinic/report.html");
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
	free(x->clinic_report);
	links_free(x->links, x->nlinks);
	links_free(x->days, x->ndays);
	memset(x, 0, sizeof(*x));
}
