/* test_index.c - the morning page's renderer (report_index_html) as a pure
 * function of a hand-built struct report_index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "report_index.h"

static size_t count(const char *h, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(h, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static struct store_alert alert_worse = { "P<1>", "P1-C1", "pain", "worse", "2026-03-10",
					  "pain 4.0 -> 6.5 (+2.5)", NULL, "2026-03-12",
					  "2026-03-12", NULL, NULL, NULL };
static struct store_alert alert_plateau = { "P2", "P2-C1", "fatigue", "plateau", "2026-03-09",
					    "levelled off", NULL, "2026-03-12",
					    "2026-03-05", NULL, NULL, NULL };

static void page(struct report_index *x, struct report_index_course *c, double *scores,
		 struct report_index_alert *al, struct report_index_link *ln)
{
	size_t m;
	memset(x, 0, sizeof(*x));
	memset(c, 0, sizeof(*c));
	x->today = "2026-03-12";
	x->p.period = 90;
	x->window = 28;
	x->nm = 2;
	x->names[0] = "fatigue";
	x->names[1] = "pain";
	c->patient_id = "P<1>";
	c->course_id = "P1-C1";
	c->name = "Mara & Co";
	c->letter = "2026-03-12/notes/P_1_-abc/note.html";
	c->sessions = 3;
	c->nscores = 3;
	c->scores = scores;
	c->m[0] = (struct report_index_measure){ 3, 8, 5, -3, OUTCOME_IMPROVING_ST, 0 };
	c->m[1] = (struct report_index_measure){ 2, 4, 6.5, 2.5,
						 OUTCOME_WORSE_ST | OUTCOME_NOT_JUDGED, 0 };
	c->step = OUTCOME_STEP_REFER_BACK;
	x->c = c;
	x->nc = 1;
	al[0].a = &alert_plateau;
	al[1].a = &alert_worse;
	al[1].letter = c->letter;
	x->alerts = al;
	x->nalerts = 2;
	x->need_patients[INDEX_WORSE] = 1;
	x->plateau_patients = 1;
	x->alert_runs = "02:00";
	ln[0].href = "clinic/report.html";
	ln[0].label = "Clinic report";
	x->links = ln;
	x->nlinks = 1;
	for (m = 0; m < 2; m++) {
		x->p.dchange[m] = (struct stats_diff){ NAN, NAN, NAN, NAN };
		x->p.dresp[m] = (struct stats_diff){ NAN, NAN, NAN, NAN };
	}
	x->p.cur.cl[0].courses = 5;
	x->p.prev.cl[0].courses = 4;
	x->p.dchange[0] = (struct stats_diff){ -1.5, -2.5, -0.5, 0.004 };
	x->p.dresp[0] = (struct stats_diff){ 0.1, -0.2, 0.4, 0.5 };
	/* 10 of 20 against 8 of 20: every expected count 9 or more */
	x->p.cur.cl[0].eligible = x->p.prev.cl[0].eligible = 20;
	x->p.cur.cl[0].responders = 10;
	x->p.prev.cl[0].responders = 8;
}

static void test_render(void **state)
{
	double scores[6] = { 8, 4, 7, NAN, 5, 6.5 };
	struct report_index x;
	struct report_index_course c;
	struct report_index_alert al[2] = { { 0 } };
	struct report_index_link ln[1];
	struct strbuf h = STRBUF_INIT;
	(void)state;
	page(&x, &c, scores, al, ln);
	report_index_html(&h, &x, "");
	/* ids escaped, names only when asked */
	assert_non_null(strstr(h.buf, "P&lt;1&gt;"));
	assert_null(strstr(h.buf, "P<1>"));
	assert_null(strstr(h.buf, "Mara"));
	/* worse first, as a word and a mark, and the review line */
	assert_true(strstr(h.buf, "id=\"alerts-worse\"") < strstr(h.buf, "id=\"alerts-plateau\""));
	assert_non_null(strstr(h.buf, "&#9650; worse"));
	/* the headline counts patients by need; plateaus apart, as good news */
	assert_non_null(strstr(h.buf, "Patients who need a look: <a href=\"#alerts-worse\">1 worse</a>"));
	assert_non_null(strstr(h.buf, "Good news: <a href=\"#plateaus\">1 patient levelled off"));
	assert_true(strstr(h.buf, "id=\"plateaus\"") < strstr(h.buf, "id=\"alerts-plateau\""));
	/* the course's next step, as the letter says it */
	assert_non_null(strstr(h.buf, "<td>refer back</td></tr>"));
	/* the letter link with the prefix; every table captioned */
	assert_int_equal(count(h.buf, "href=\"2026-03-12/notes/P_1_-abc/note.html\""), 2);
	assert_int_equal(count(h.buf, "<table"), count(h.buf, "<caption>"));
	assert_int_equal(count(h.buf, "<svg"), 2);
	assert_int_equal(count(h.buf, "<svg"), count(h.buf, "aria-label=\""));
	/* a score not recorded leaves the sparkline, not a zero */
	assert_non_null(strstr(h.buf, "fatigue scores from 8.0 to 5.0 over 3 scored sessions"));
	assert_non_null(strstr(h.buf, "<strong>larger than chance</strong> (p = 0.004)"));
	assert_non_null(strstr(h.buf, "+10 points (-20 to +40); within chance (p = 0.500)"));
	assert_non_null(strstr(h.buf, "too few courses to compare"));
	sb_reset(&h);
	report_periods_text(&h, x.names, x.nm, &x.p);
	assert_non_null(strstr(h.buf, "difference: -1.50 (-2.50 to -0.50); LARGER THAN CHANCE (p = 0.004)"));
	assert_non_null(strstr(h.buf, "difference: too few courses to compare"));
	for (const char *l = h.buf; *l;) { /* 80 columns */
		const char *e = strchr(l, '\n');
		assert_true((e ? (size_t)(e - l) : strlen(l)) <= 80);
		l = e ? e + 1 : l + strlen(l);
	}
	sb_reset(&h);
	{ /* A test speaks only where it may: responders with every expected count
	   * at least 5 (10 and 10 eligible, 10 responders: exactly 5; 9: 4.5),
	   * a mean change where both periods have an interval. */
		struct report_periods q = x.p;
		q.cur.cl[0].eligible = q.prev.cl[0].eligible = 10;
		q.cur.cl[0].responders = 6;
		q.prev.cl[0].responders = 4;
		report_periods_text(&h, x.names, x.nm, &q);
		assert_non_null(strstr(h.buf, "difference: +10 points (-20 to +40); within chance"));
		q.cur.cl[0].responders = 5;
		sb_reset(&h);
		report_periods_text(&h, x.names, x.nm, &q);
		assert_non_null(strstr(h.buf, "difference: +10 points; too few courses to test (an "
					      "expected count below 5)\n"));
		q.cur.cl[0].change_lo = NAN; /* all its changes equal, or one course */
		sb_reset(&h);
		report_periods_text(&h, x.names, x.nm, &q);
		assert_non_null(strstr(h.buf, "difference: -1.50; too few courses to test (a period "
					      "without an interval)\n"));
		assert_null(strstr(h.buf, "CHANCE"));
	}
	sb_reset(&h);
	{ /* no course in either window: one sentence, not a table of nothing */
		struct report_periods none = x.p;
		none.cur.cl[0].courses = none.prev.cl[0].courses = 0;
		none.cur.cl[1].courses = none.prev.cl[1].courses = 0;
		report_periods_text(&h, x.names, x.nm, &none);
		assert_non_null(strstr(h.buf, "nothing to compare"));
		assert_null(strstr(h.buf, "change:"));
		none.prev.cl[1].courses = 1; /* one course in one window: the table again */
		sb_reset(&h);
		report_periods_text(&h, x.names, x.nm, &none);
		assert_non_null(strstr(h.buf, "change:"));
	}
	sb_reset(&h);
	x.show_names = 1;
	report_index_html(&h, &x, "../");
	assert_non_null(strstr(h.buf, "Mara &amp; Co"));
	assert_non_null(strstr(h.buf, "href=\"../clinic/report.html\""));
	assert_null(strstr(h.buf, "href=\"clinic/"));
	sb_reset(&h);
	x.alert_runs = NULL;
	x.nalerts = 0;
	x.nc = 0;
	report_index_html(&h, &x, "");
	assert_non_null(strstr(h.buf, "No nightly run today yet"));
	assert_non_null(strstr(h.buf, "No course had a session in the 28 days"));
	sb_release(&h);
}

/* The page's word for a measure renders its states, the most urgent first. */
static void test_words(void **state)
{
	(void)state;
	assert_string_equal(report_index_word(OUTCOME_WORSE_ST | OUTCOME_LEVELLED_ST, 0), "worse");
	assert_string_equal(report_index_word(OUTCOME_RESPONDED_ST | OUTCOME_LEVELLED_ST, 0),
			    "improved, levelled off");
	assert_string_equal(report_index_word(OUTCOME_LOST_ST | OUTCOME_RELAPSE_ST, 0), "relapse");
	assert_string_equal(report_index_word(OUTCOME_NOT_JUDGED, 1), "mild at the start");
	assert_string_equal(report_index_word(OUTCOME_NOT_JUDGED, 0), "too few scores");
	assert_string_equal(report_index_word(0, 0), "no clear change");
	assert_int_equal(report_index_need_of("response_lost"), INDEX_LOST);
	assert_int_equal(report_index_need_of("plateau"), INDEX_NEEDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
