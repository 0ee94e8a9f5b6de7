/*
 * alerts.c - see alerts.h.
 */
#include "alerts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "outcome.h"
#include "settings.h"

static const char *const kind_name[ALERT_KINDS] = {
	"worse", "relapse", "response_lost", "plateau", "no_response",
};
/* What each kind means, as alerts.txt heads its section. */
static const char *const kind_title[ALERT_KINDS] = {
	"Worse: latest at least the MCID above baseline, or a reliable deterioration",
	"Relapse after a break: the score had improved by the MCID, then rose by the MCID",
	"Response lost: improved by the MCID at some session, no longer",
	"Plateau reached while sessions continue: the improvement has levelled off",
	"No response: sessions continue and no measure ever improved by the MCID",
};

const char *alert_kind_name(enum alert_kind k)
{
	return k < ALERT_KINDS ? kind_name[k] : NULL;
}

void alerts_cfg_init(struct alerts_cfg *cfg, struct store *s, long today)
{
	cfg->today = today;
	cfg->alert_window = settings_long(s, "alert_window");
	cfg->relapse_gap = settings_long(s, "relapse_gap");
	cfg->no_response_sessions = settings_long(s, "no_response_sessions");
}

/* A patient's courses, in the order of their first session. */
struct courses {
	struct store_course *v;
	size_t n;
};

static int cmp_course(const void *pa, const void *pb)
{
	const struct store_course *a = pa, *b = pb;
	return (a->date[0] > b->date[0]) - (a->date[0] < b->date[0]);
}

static int load_courses(struct store *s, const char *pid, struct courses *cs, struct error *err)
{
	struct store_filter f = STORE_FILTER_INIT;
	f.patient_id = pid;
	if (store_list_courses(s, &f, &cs->v, &cs->n, err) < 0)
		return -1;
	qsort(cs->v, cs->n, sizeof(*cs->v), cmp_course);
	return 0;
}

static void courses_release(struct courses *cs)
{
	size_t i;
	for (i = 0; i < cs->n; i++)
		store_course_release(&cs->v[i]);
	free(cs->v);
}

static void add(struct store_alerts *out, const struct store_course *c, const char *measure,
		enum alert_kind k, long date, const char *detail, const char *key)
{
	char d[11];
	date_format(date, d);
	store_alerts_add(out, c->patient_id, c->course_id, measure, kind_name[k], d, detail, key);
}

/* The scored session of measure m just before course cs->v[ci] started, if any. */
struct point {
	long date;
	double y, base; /* score, and the baseline of its course */
	const struct store_course *course;
};

static int last_point(const struct store_course *c, size_t m, struct point *p)
{
	size_t i;
	double base = NAN;
	int found = 0;
	for (i = 0; i < c->n; i++) {
		double y = c->score[i * c->nmeasures + m];
		if (isnan(y))
			continue;
		if (isnan(base))
			base = y;
		p->date = c->date[i];
		p->y = y;
		found = 1;
	}
	p->base = base;
	p->course = c;
	return found;
}

/*
 * Relapse of measure m ending in course c: the latest pair of consecutive
 * scored sessions a, b with b in c (a in c, or the last of the patient's
 * previous course 'prev') that the rule calls a relapse.
 */
static void relapse(const struct store_course *c, const struct store_course *prev, size_t m,
		    double mcid, const struct alerts_cfg *cfg, const char *measure,
		    struct store_alerts *out)
{
	struct point a = { 0, NAN, NAN, NULL }, hit_a = a, hit_b = a;
	double base = NAN;
	size_t i;
	int have_a = prev && last_point(prev, m, &a), hit = 0;
	for (i = 0; i < c->n; i++) {
		double y = c->score[i * c->nmeasures + m];
		if (isnan(y))
			continue;
		if (isnan(base))
			base = y;
		if (have_a && outcome_relapse(a.base, a.y, y, c->date[i] - a.date, mcid,
					      cfg->relapse_gap)) {
			hit_a = a;
			hit_b.date = c->date[i];
			hit_b.y = y;
			hit = 1;
		}
		a.date = c->date[i];
		a.y = y;
		a.base = base;
		a.course = c;
		have_a = 1;
	}
	if (hit) {
		char d1[11], d2[11], detail[320], key[32];
		int across = hit_a.course != c;
		date_format(hit_a.date, d1);
		date_format(hit_b.date, d2);
		snprintf(detail, sizeof(detail),
			 "%.1f -> %.1f (%+.1f) after a %ld-day break %s (%s to %s); "
			 "it had improved from %.1f before the break", hit_a.y, hit_b.y,
			 hit_b.y - hit_a.y, hit_b.date - hit_a.date,
			 across ? "between courses" : "inside the course", d1, d2, hit_a.base);
		snprintf(key, sizeof(key), "%s>%s", d1, d2);
		add(out, c, measure, ALERT_RELAPSE, hit_b.date, detail, key);
	}
}

/* The alerts of one measure of an active course. */
static void measure_alerts(const struct store_course *c, const struct stats_course *r,
			   double mcid, const char *measure, struct store_alerts *out)
{
	char detail[320], key[64];
	long last = r->n ? c->date[r->last_session - 1] : 0;
	if (outcome_worse(r, mcid)) {
		int reliably = outcome_reliably_worse(r);
		snprintf(detail, sizeof(detail), "%.1f at baseline, %.1f now (%+.1f; MCID %g)%s",
			 r->baseline, r->latest, r->change, mcid,
			 reliably ? "; a reliable deterioration" : "");
		snprintf(key, sizeof(key), "%.1f>%.1f;%d", r->baseline, r->latest, reliably);
		add(out, c, measure, ALERT_WORSE, last, detail, key);
	}
	if (outcome_response_lost(r, mcid)) {
		snprintf(detail, sizeof(detail), "improved by the MCID (%g) by session %d, now %.1f "
			 "against a baseline of %.1f (%+.1f)", mcid, r->sessions_to_response,
			 r->latest, r->baseline, r->change);
		snprintf(key, sizeof(key), "%d", r->sessions_to_response);
		add(out, c, measure, ALERT_RESPONSE_LOST, last, detail, key);
	}
	if (outcome_plateau_reached(r, mcid)) {
		snprintf(detail, sizeof(detail), "improved %.1f -> %.1f and levelled off near %.1f "
			 "(90%% of the change by session %.0f; %d sessions so far); the course may "
			 "be finished", r->baseline, r->latest, r->plateau, ceil(r->s90 - 1e-9),
			 r->last_session);
		add(out, c, measure, ALERT_PLATEAU, last, detail, "reached");
	}
}

/* The alerts of one active course; prev is the patient's course before it. */
static void course_alerts(struct store *s, const struct stats_ctx *sc, const struct store_course *c,
			  const struct store_course *prev, const struct alerts_cfg *cfg,
			  struct store_alerts *out)
{
	struct stats_course r[CSVIN_MAX_MEASURES];
	size_t nm = store_measure_count(s), m;
	for (m = 0; m < nm; m++) {
		const char *name = store_measure_name(s, m);
		double mcid = stats_ctx_settings(sc, m)->mcid;
		stats_course_compute(sc, c, m, STATS_ALL, &r[m]);
		measure_alerts(c, &r[m], mcid, name, out);
		relapse(c, prev, m, mcid, cfg, name, out);
	}
	if (outcome_no_response(r, nm, c->n, cfg->no_response_sessions)) {
		char detail[160];
		snprintf(detail, sizeof(detail), "%zu sessions and no measure has reached its MCID at any session",
			 c->n);
		add(out, c, "", ALERT_NO_RESPONSE, c->date[c->n - 1], detail, "none");
	}
}

int alerts_patient(struct store *s, const struct stats_ctx *sc, const char *pid,
		   const struct alerts_cfg *cfg, struct store_alerts *out, struct error *err)
{
	struct courses cs = { NULL, 0 };
	size_t i;
	if (load_courses(s, pid, &cs, err) < 0) {
		courses_release(&cs);
		return -1;
	}
	for (i = 0; i < cs.n; i++)
		if (outcome_active(cs.v[i].date[cs.v[i].n - 1], cfg->today, cfg->alert_window))
			course_alerts(s, sc, &cs.v[i], i ? &cs.v[i - 1] : NULL, cfg, out);
	courses_release(&cs);
	return 0;
}

/* Output ------------------------------------------------------------------- */

static const struct table_col cols[] = {
	{ "patient_id", -10, 0 }, { "course_id", -12, 0 }, { "measure", -8, 0 },
	{ "kind", -13, 0 }, { "session_date", -12, 0 }, { "detail", 0, 0 },
};

void alerts_table(FILE *out, enum table_format fmt, const struct store_alerts *l)
{
	struct table t;
	size_t i;
	table_begin(&t, out, fmt, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < l->n; i++) {
		const struct store_alert *a = &l->v[i];
		table_str(&t, a->patient_id);
		table_str(&t, a->course_id);
		table_str(&t, *a->measure ? a->measure : NULL); /* course level */
		table_str(&t, a->kind);
		table_str(&t, a->session_date);
		table_str(&t, a->detail);
		table_end_row(&t);
	}
	table_end(&t);
}

void alerts_text(struct strbuf *sb, const char *day, const char *runs,
		 const struct store_alerts *l)
{
	size_t i;
	int k;
	sb_addf(sb, "ALERTS %s (run at %s): %zu new or changed\n", day, runs && *runs ? runs : "-",
		l->n);
	for (k = 0; k < ALERT_KINDS; k++) {
		size_t nk = 0;
		for (i = 0; i < l->n; i++)
			nk += !strcmp(l->v[i].kind, kind_name[k]);
		sb_addf(sb, "\n%s (%zu)\n", kind_title[k], nk);
		if (!nk)
			sb_adds(sb, "  none\n");
		for (i = 0; i < l->n; i++) {
			const struct store_alert *a = &l->v[i];
			if (strcmp(a->kind, kind_name[k]) != 0)
				continue;
			sb_addf(sb, "  %s %s%s%s (%s): %s\n", a->patient_id, a->course_id,
				*a->measure ? " " : "", a->measure, a->session_date, a->detail);
		}
	}
}
