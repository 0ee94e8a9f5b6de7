/*
 * report_words.c - the numbers and sentences the text and the HTML views
 * both say, so that each is written once.  Pure functions.
 */
#include "report_data.h"

#include <math.h>
#include <stdio.h>

const char *report_num(char *buf, size_t n, double v, int decimals)
{
	if (!isfinite(v))
		return "-";
	if (v == 0)
		v = 0; /* no "-0.0" */
	snprintf(buf, n, "%.*f", decimals, v);
	return buf;
}

const char *report_signed(char *buf, size_t n, double v, int decimals)
{
	if (!isfinite(v))
		return "-";
	if (fabs(v) < 0.5 * pow(10, -decimals))
		v = 0;
	snprintf(buf, n, v > 0 ? "+%.*f" : "%.*f", decimals, v);
	return buf;
}

const char *report_p(char *buf, size_t n, double p)
{
	if (!isfinite(p))
		return "-";
	if (p < 0.001)
		return "< 0.001";
	snprintf(buf, n, "%.3f", p);
	return buf;
}

const char *report_pct(char *buf, size_t n, double pct)
{
	if (!isfinite(pct))
		return "-";
	snprintf(buf, n, "%+.0f%%", pct);
	return buf;
}

int report_listed(size_t m, const struct stats_clinic *r)
{
	return m < STORE_BUILTIN_MEASURES || r->courses > 0;
}

const char *report_reading(const struct report_note_measure *m, char *buf, size_t n)
{
	switch (m->reading) {
	case OUTCOME_ONE_SESSION:
		return "one session only: no change to read";
	case OUTCOME_IMPROVED:
		snprintf(buf, n, "clinically important improvement (%g points or more)%s", m->mcid,
			 outcome_reliably_improved(&m->r) ? "; reliable improvement" : "");
		return buf;
	case OUTCOME_RELIABLY_IMPROVED:
		return "reliable improvement";
	case OUTCOME_WORSE:
		snprintf(buf, n, "worse%s",
			 outcome_reliably_worse(&m->r) ? " (reliable deterioration)" : "");
		return buf;
	case OUTCOME_NO_CLEAR_CHANGE:
		break;
	}
	return "no reliable change";
}

const char *report_trend(const struct stats_course *r, char *buf, size_t n)
{
	char a[32], b[32], c[32], d[32];
	if (r->n < 3) {
		snprintf(buf, n, "too few sessions for a trend (%zu, 3 needed)", r->n);
		return buf;
	}
	snprintf(buf, n, "%s points/session (95%% CI %s to %s), p %s%s",
		 report_signed(a, sizeof(a), r->slope, 2), report_signed(b, sizeof(b), r->slope_lo, 2),
		 report_signed(c, sizeof(c), r->slope_hi, 2),
		 isfinite(r->slope_p) && r->slope_p < 0.001 ? "" : "= ",
		 report_p(d, sizeof(d), r->slope_p));
	return buf;
}

const char *report_levelling(const struct stats_course *r, enum outcome_levelling l, char *buf,
			     size_t n)
{
	char a[32], b[32];
	switch (l) {
	case OUTCOME_LEVEL_TOO_FEW:
		snprintf(buf, n, "too few sessions to judge (%zu, %d needed)", r->n,
			 OUTCOME_LEVELLING_MIN);
		break;
	case OUTCOME_LEVEL_STEADY:
		return "still improving steadily: no levelling off in the data";
	case OUTCOME_LEVEL_UNCLEAR:
		return "no plateau can be fitted (no clear levelling)";
	case OUTCOME_LEVEL_REACHED:
		snprintf(buf, n, "levelled off: plateau %s, 90%% of the change reached by session %s",
			 report_num(a, sizeof(a), r->plateau, 1), report_num(b, sizeof(b), r->s90, 1));
		break;
	case OUTCOME_LEVEL_CHANGING:
		snprintf(buf, n, "still changing: fitted plateau %s, 90%% of the change expected by "
			 "session %s (now at session %d)", report_num(a, sizeof(a), r->plateau, 1),
			 report_num(b, sizeof(b), r->s90, 1), r->last_session);
		break;
	}
	return buf;
}

/* "ahead of / in line with / behind the clinic's expected course", or NULL. */
const char *report_expected(const struct report_note_measure *m, char *buf, size_t n)
{
	static const char *const pace[] = {
		[OUTCOME_PACE_AHEAD] = "ahead of",
		[OUTCOME_PACE_IN_LINE] = "in line with",
		[OUTCOME_PACE_BEHIND] = "behind",
	};
	double b = m->effect[1], sd = m->effect_sd[1];
	if (m->pace == OUTCOME_PACE_UNKNOWN)
		return NULL;
	snprintf(buf, n, "%s the clinic's expected course (slope %+.2f per log session "
		 "vs expected %+.2f; course effect %+.2f, 95%% %+.2f to %+.2f)", pace[m->pace],
		 m->fit->beta[1] + b, m->fit->beta[1], b, b - OUTCOME_Z95 * sd, b + OUTCOME_Z95 * sd);
	return buf;
}

const char *report_eligible_counts(const struct stats_clinic *r, char *buf, size_t n)
{
	snprintf(buf, n, "%ld of %ld eligible courses responded; %ld stopped before responding; "
		 "%ld responded and lost it; %ld mild at baseline left out",
		 r->eligible - r->never_responded, r->eligible, r->never_responded, r->response_lost,
		 r->courses - r->eligible);
	return buf;
}
