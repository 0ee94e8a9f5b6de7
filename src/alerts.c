/*
 * alerts.c - see alerts.h.
 */
#include "alerts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "outcome.h"
#include "reading.h"
#include "settings.h"

static const char *const kind_name[ALERT_KINDS] = {
	"worse", "relapse", "response_lost", "plateau", "no_response",
};
/* What each kind means, as alerts.txt heads its section. */
static const char *const kind_title[ALERT_KINDS] = {
	"Worse: latest at least the MCID above baseline, or a reliable deterioration",
	"Relapse after a break: the score had improved by the MCID, then rose by the MCID",
	"Response lost: improved by the MCID at some session, no longer",
	"Plateau reached: the improvement has levelled off (good news)",
	"No response: sessions continue and no measure ever improved by the MCID",
};

void alerts_cfg_init(struct alerts_cfg *cfg, struct store *s, long today)
{
	cfg->today = today;
	settings_rules(s, &cfg->rules);
}

static void add(struct store_alerts *out, const struct store_course *c, const char *measure,
		enum alert_kind k, long date, const char *detail, const char *key)
{
	char d[11];
	date_format(date, d);
	store_alerts_add(out, c->patient_id, c->course_id, measure, kind_name[k], d, detail, key);
}

/* The relapse of the reading, with its evidence. */
static void relapse(const struct store_course *c, const struct outcome_relapse_at *x,
		    const char *measure, struct store_alerts *out)
{
	char d1[11], d2[11], detail[320], key[32];
	date_format(x->date_a, d1);
	date_format(x->date_b, d2);
	snprintf(detail, sizeof(detail),
		 "%.1f -> %.1f (%+.1f) after a %ld-day break %s (%s to %s); "
		 "it had improved from %.1f before the break%s", x->y_a, x->y_b, x->y_b - x->y_a,
		 x->date_b - x->date_a, x->across ? "between courses" : "inside the course", d1, d2,
		 x->base_a, x->present ? "; still present" : "");
	snprintf(key, sizeof(key), "%s>%s", d1, d2);
	add(out, c, measure, ALERT_RELAPSE, x->date_b, detail, key);
}

/* The alerts of one measure of an active course: its states, rendered. */
static void measure_alerts(const struct store_course *c, const struct stats_course *r,
			   const struct outcome_measure *x, double mcid, const char *measure,
			   struct store_alerts *out)
{
	char detail[320], key[64];
	long last = r->n ? c->date[r->last_session - 1] : 0;
	if (x->states & OUTCOME_WORSE_ST) {
		int reliably = outcome_reliably_worse(r);
		snprintf(detail, sizeof(detail), "%.1f at baseline, %.1f now (%+.1f; MCID %g)%s",
			 r->baseline, r->latest, r->change, mcid,
			 reliably ? "; a reliable deterioration" : "");
		snprintf(key, sizeof(key), "%.1f>%.1f;%d", r->baseline, r->latest, reliably);
		add(out, c, measure, ALERT_WORSE, last, detail, key);
	}
	if (x->states & OUTCOME_LOST_ST) {
		snprintf(detail, sizeof(detail), "improved by the MCID (%g) by session %d, best %.1f "
			 "at session %d, now %.1f against a baseline of %.1f (%+.1f)", mcid,
			 r->sessions_to_response, x->best, x->best_session, r->latest, r->baseline,
			 r->change);
		snprintf(key, sizeof(key), "%d", r->sessions_to_response);
		add(out, c, measure, ALERT_RESPONSE_LOST, last, detail, key);
	}
	if (x->states & OUTCOME_LEVELLED_ST) {
		snprintf(detail, sizeof(detail), "improved %.1f -> %.1f and levelled off near %.1f "
			 "(90%% of the change by session %.0f; %d sessions so far)", r->baseline,
			 r->latest, r->plateau, ceil(r->s90 - 1e-9), r->last_session);
		add(out, c, measure, ALERT_PLATEAU, last, detail, "reached");
	}
	if (x->states & OUTCOME_RELAPSE_ST)
		relapse(c, &x->relapse, measure, out);
}

/* The alerts of one active course, from its reading. */
static void course_alerts(struct store *s, const struct stats_ctx *sc, const struct store_course *c,
			  const struct stats_course *r, const struct outcome_course *oc,
			  struct store_alerts *out)
{
	size_t m;
	for (m = 0; m < oc->nm; m++)
		measure_alerts(c, &r[m], &oc->m[m], stats_ctx_settings(sc, m)->mcid,
			       store_measure_name(s, m), out);
	if (oc->no_response) {
		char detail[160];
		snprintf(detail, sizeof(detail), "%zu sessions and no measure has reached its MCID at any session",
			 c->n);
		add(out, c, "", ALERT_NO_RESPONSE, c->date[c->n - 1], detail, "none");
	}
}

void alerts_of_reading(struct store *s, const struct stats_ctx *sc, const struct reading *rd,
		       struct store_alerts *out)
{
	size_t k;
	for (k = 0; k < rd->n; k++)
		if (rd->oc[k].active)
			course_alerts(s, sc, &rd->course[k], rd->r[k], &rd->oc[k], out);
}

int alerts_patient(struct store *s, const struct stats_ctx *sc, const char *pid,
		   const struct alerts_cfg *cfg, struct store_alerts *out, struct error *err)
{
	struct reading rd;
	int rc = reading_patient(s, sc, &cfg->rules, pid, cfg->today, READING_ACTIVE, &rd, err);
	if (rc == 0)
		alerts_of_reading(s, sc, &rd, out);
	reading_release(&rd);
	return rc < 0 ? -1 : 0;
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
