/*
 * cmd_stats.c - 'symtrend stats': the course table (one row per course and
 * measure) or the clinic table (one row per measure, optionally per group).
 * Courses stream from the store one at a time.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "stats.h"
#include "table.h"

static const struct table_col course_cols[] = {
	{ "patient_id", -10, 0 }, { "course_id", -12, 0 }, { "measure", -8, 0 },
	{ "n", 3, 0 }, { "baseline", 8, 1 }, { "latest", 6, 1 }, { "change", 6, 1 },
	{ "pct_change", 10, 1 }, { "slope", 6, 2 }, { "slope_se", 8, 2 },
	{ "slope_lo", 8, 2 }, { "slope_hi", 8, 2 }, { "slope_p", 7, 4 },
	{ "responder", 9, 0 }, { "sessions_to_response", 20, 0 }, { "rci", 6, 2 },
	{ "reliable_change", -15, 0 }, { "plateau", 7, 2 }, { "s90", 5, 1 },
	{ "clinical_category", -17, 0 }, { "therapist", -12, 0 }, { "indication", -20, 0 },
	{ "first_date", -10, 0 }, { "last_date", -10, 0 },
};
#define NCOURSE_COLS (sizeof(course_cols) / sizeof(course_cols[0]))

static const struct table_col clinic_cols[] = {
	{ "measure", -8, 0 }, { "courses", 7, 0 }, { "mean_baseline", 13, 2 },
	{ "mean_latest", 11, 2 }, { "mean_change", 11, 2 }, { "change_lo", 9, 2 },
	{ "change_hi", 9, 2 }, { "t_p", 8, 4 }, { "wilcoxon_p", 10, 4 }, { "srm", 6, 2 },
	{ "responders", 10, 0 }, { "responder_rate", 14, 3 }, { "rate_lo", 7, 3 },
	{ "rate_hi", 7, 3 }, { "km_median_sessions", 18, 1 }, { "eligible", 8, 0 },
	{ "group_by", -10, 0 },
	{ "group", -20, 0 },
};
#define NCLINIC_COLS (sizeof(clinic_cols) / sizeof(clinic_cols[0]))

enum group_by { BY_NONE, BY_THERAPIST, BY_INDICATION, BY_REFERRER };
/* by_names + 1 are the values of --by, in enum order. */
static const char *const by_names[] = { NULL, "therapist", "indication", "referrer", NULL };

struct group {
	char *name;
	struct stats_acc *acc[CSVIN_MAX_MEASURES];
};

static void course_row(struct table *t, const struct store_course *c, const char *measure,
		       const struct stats_course *r)
{
	char d1[11], d2[11];
	table_str(t, c->patient_id);
	table_str(t, c->course_id);
	table_str(t, measure);
	table_int(t, (long)r->n);
	table_num(t, r->baseline);
	table_num(t, r->latest);
	table_num(t, r->change);
	table_num(t, r->pct_change);
	table_num(t, r->slope);
	table_num(t, r->slope_se);
	table_num(t, r->slope_lo);
	table_num(t, r->slope_hi);
	table_p(t, r->slope_p);
	if (r->n)
		table_int(t, r->responder);
	else
		table_str(t, NULL);
	if (r->sessions_to_response)
		table_int(t, r->sessions_to_response);
	else
		table_str(t, NULL);
	table_num(t, r->rci);
	table_str(t, r->reliable_change);
	table_num(t, r->plateau);
	table_num(t, r->s90);
	table_str(t, r->clinical_category);
	table_str(t, c->therapist);
	table_str(t, c->indication);
	date_format(c->date[0], d1);
	date_format(c->date[c->n - 1], d2);
	table_str(t, d1);
	table_str(t, d2);
	table_end_row(t);
}

static void clinic_row(struct table *t, const char *measure, const struct stats_clinic *r,
		       const char *by, const char *group)
{
	table_str(t, measure);
	table_int(t, r->courses);
	table_num(t, r->mean_baseline);
	table_num(t, r->mean_latest);
	table_num(t, r->mean_change);
	table_num(t, r->change_lo);
	table_num(t, r->change_hi);
	table_p(t, r->t_p);
	table_p(t, r->wilcoxon_p);
	table_num(t, r->srm);
	table_int(t, r->responders);
	table_num(t, r->responder_rate);
	table_num(t, r->rate_lo);
	table_num(t, r->rate_hi);
	table_num(t, r->km_median_sessions);
	table_int(t, r->eligible);
	table_str(t, by);
	table_str(t, group);
	table_end_row(t);
}

static int group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->name, ((const struct group *)b)->name);
}

static const char *group_key(const struct store_course *c, enum group_by by)
{
	const char *k = by == BY_THERAPIST ? c->therapist
			: by == BY_INDICATION ? c->indication : c->referrer;
	return k ? k : "(unknown)";
}

/* One run of 'stats': what was asked, and what the courses add up to. */
struct run {
	struct store *store;
	struct stats_ctx *sc;
	int clinic, measure;
	enum group_by by;
	struct table t;
	struct group *groups;
	size_t ngroups, cap, nm;
	long courses;
};

/* The clinic table's group of a course, made when it is the first. */
static struct group *group_of(struct run *r, const struct store_course *c)
{
	const char *key = r->by == BY_NONE ? "" : group_key(c, r->by);
	size_t g, m;
	for (g = 0; g < r->ngroups; g++)
		if (!strcmp(r->groups[g].name, key))
			return &r->groups[g];
	r->groups = xgrow(r->groups, &r->cap, r->ngroups + 1, sizeof(*r->groups));
	r->groups[r->ngroups].name = xstrdup(key);
	for (m = 0; m < r->nm; m++)
		r->groups[r->ngroups].acc[m] = stats_acc_new();
	return &r->groups[r->ngroups++];
}

static int add_course(void *arg, const struct store_course *c, struct error *err)
{
	struct run *r = arg;
	struct group *gr = r->clinic ? group_of(r, c) : NULL;
	size_t m;
	(void)err;
	r->courses++;
	for (m = 0; m < r->nm; m++) {
		struct stats_course st;
		if (r->measure >= 0 && (int)m != r->measure)
			continue;
		stats_course_compute(r->sc, c, m, r->clinic ? STATS_NO_PLATEAU : STATS_ALL, &st);
		if (gr)
			stats_acc_add(gr->acc[m], &st);
		else if (st.n > 0 || m < STORE_BUILTIN_MEASURES)
			course_row(&r->t, c, store_measure_name(r->store, m), &st);
	}
	return 0;
}

static void clinic_table(struct run *r, enum table_format fmt)
{
	size_t g, m;
	if (r->by == BY_NONE && r->ngroups == 0)
		(void)group_of(r, NULL);
	if (r->ngroups > 1)
		qsort(r->groups, r->ngroups, sizeof(*r->groups), group_cmp);
	table_begin(&r->t, stdout, fmt, clinic_cols, NCLINIC_COLS);
	for (g = 0; g < r->ngroups; g++)
		for (m = 0; m < r->nm; m++) {
			struct stats_clinic st;
			if (r->measure >= 0 && (int)m != r->measure)
				continue;
			stats_acc_finish(r->groups[g].acc[m], &st);
			clinic_row(&r->t, store_measure_name(r->store, m), &st, by_names[r->by],
				   r->by == BY_NONE ? NULL : r->groups[g].name);
		}
}

static int run_stats(struct cmd_ctx *ctx, const struct store_filter *f, int clinic,
		     enum group_by by, int measure, enum table_format fmt)
{
	struct error err = ERROR_INIT;
	struct run r;
	size_t g, m;
	int rc = EXIT_OK;

	memset(&r, 0, sizeof(r));
	r.store = ctx->store;
	r.clinic = clinic;
	r.by = by;
	r.measure = measure;
	r.nm = store_measure_count(ctx->store);
	r.sc = stats_ctx_new(ctx->store, &err);
	if (!r.sc)
		return cmd_error(&err);
	if (!clinic)
		table_begin(&r.t, stdout, fmt, course_cols, NCOURSE_COLS);
	if (store_for_each_course(ctx->store, f, add_course, &r, &err) < 0) {
		rc = cmd_error(&err);
		goto out;
	}
	if (clinic)
		clinic_table(&r, fmt);
	table_end(&r.t);
	if (!clinic && r.courses == 0 && (f->patient_id || f->course_id)) {
		fprintf(stderr, "symtrend: no course matches %s%s%s\n",
			f->patient_id ? "the patient" : "", f->patient_id && f->course_id ? " and " : "",
			f->course_id ? "the course" : "");
		rc = EXIT_REJECTS;
	}
out:
	for (g = 0; g < r.ngroups; g++) {
		for (m = 0; m < r.nm; m++)
			stats_acc_free(r.groups[g].acc[m]);
		free(r.groups[g].name);
	}
	free(r.groups);
	stats_ctx_free(r.sc);
	return rc;
}

struct stats_args {
	const char *patient, *course, *measure;
	long from, to;
	int clinic, by, format;
};

static const struct opt stats_options[] = {
	OPTION_STRING("patient", 0, "ID", struct stats_args, patient, "only this patient's courses"),
	OPTION_STRING("course", 0, "ID", struct stats_args, course, "only this course"),
	OPTION_STRING("measure", 0, "M", struct stats_args, measure, "only this measure"),
	OPTION_DATE("from", 0, struct stats_args, from,
		    "only courses that started on or after DATE"),
	OPTION_DATE("to", 0, struct stats_args, to, "only courses that started on or before DATE"),
	OPTION_FLAG("clinic", 0, struct stats_args, clinic,
		    "one row per measure over all courses with n >= 2"),
	OPTION_CHOICE("by", 0, "KEY", struct stats_args, by, by_names + 1,
		      "with --clinic: one table per therapist, indication or referrer"),
	OPTION_CHOICE("format", 0, "F", struct stats_args, format, table_formats,
		      "text (default), csv or json"),
	OPTION_END,
};

static int cmd_stats(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct stats_args *a = opts;
	struct store_filter f = STORE_FILTER_INIT;
	enum group_by by = a->by < 0 ? BY_NONE : (enum group_by)(a->by + 1);
	int measure = -1;

	(void)argc;
	(void)argv;
	f.patient_id = a->patient;
	f.course_id = a->course;
	f.from = a->from;
	f.to = a->to;
	if (a->measure && (measure = store_measure_index(ctx->store, a->measure)) < 0)
		return cmd_usage(&cmd_stats_entry, "unknown measure '%s'", a->measure);
	if (by != BY_NONE && !a->clinic)
		return cmd_usage(&cmd_stats_entry, "--by goes with --clinic");
	if (a->clinic && (f.patient_id || f.course_id))
		return cmd_usage(&cmd_stats_entry, "--clinic covers every course: no --patient or --course");
	return run_stats(ctx, &f, a->clinic, by, measure,
			 a->format < 0 ? TABLE_TEXT : (enum table_format)a->format);
}

const struct cmd_entry cmd_stats_entry = {
	.name = "stats",
	.usage = "stats [--patient ID] [--course ID] [--measure M] [--from DATE] [--to DATE]\n"
		 "                [--format text|csv|json]\n"
		 "       symtrend stats --clinic [--by therapist|indication|referrer] [--measure M]\n"
		 "                [--from DATE] [--to DATE] [--format text|csv|json]",
	.summary = "trend statistics per course, or for the whole clinic",
	.options = stats_options,
	.options_size = sizeof(struct stats_args),
	.max_args = 0,
	.help = "Definitions: doc/contract.md and symtrend(1).  Undefined values are '-' in\n"
		"text, empty in csv, null in json.\n",
	.flags = CMD_NEED_DB,
	.exec = cmd_stats,
};
