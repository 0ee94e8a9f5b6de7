/*
 * cmd_stats.c - 'symtrend stats': the course table (one row per course and
 * measure) or the clinic table (one row per measure, optionally per group).
 * Courses stream from the store one at a time.
 */
#include <getopt.h>
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
static const char *const by_names[] = { NULL, "therapist", "indication", "referrer" };

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
	table_num(t, r->slope_p);
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
	table_num(t, r->t_p);
	table_num(t, r->wilcoxon_p);
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

static int run_stats(struct cmd_ctx *ctx, const struct store_filter *f, int clinic,
		     enum group_by by, int measure, enum table_format fmt)
{
	struct error err = ERROR_INIT;
	struct stats_ctx *sc;
	struct store_iter *it = NULL;
	struct store_course c;
	struct table t;
	struct group *groups = NULL;
	size_t ngroups = 0, cap = 0, nm = store_measure_count(ctx->store), m, g;
	long courses = 0;
	int rc;

	memset(&c, 0, sizeof(c));
	sc = stats_ctx_new(ctx->store, &err);
	if (!sc)
		return cmd_error(&err);
	if (store_iter_open(ctx->store, f, &it, &err) < 0) {
		stats_ctx_free(sc);
		return cmd_error(&err);
	}
	if (!clinic)
		table_begin(&t, stdout, fmt, course_cols, NCOURSE_COLS);
	while ((rc = store_iter_next(it, &c, &err)) == 1) {
		struct group *gr = NULL;
		courses++;
		if (clinic) {
			const char *key = by == BY_NONE ? "" : group_key(&c, by);
			for (g = 0; g < ngroups; g++)
				if (!strcmp(groups[g].name, key))
					gr = &groups[g];
			if (!gr) {
				groups = xgrow(groups, &cap, ngroups + 1, sizeof(*groups));
				gr = &groups[ngroups++];
				gr->name = xstrdup(key);
				for (m = 0; m < nm; m++)
					gr->acc[m] = stats_acc_new();
			}
		}
		for (m = 0; m < nm; m++) {
			struct stats_course r;
			if (measure >= 0 && (int)m != measure)
				continue;
			stats_course_compute(sc, &c, m, clinic ? STATS_NO_PLATEAU : STATS_ALL, &r);
			if (clinic)
				stats_acc_add(gr->acc[m], &r);
			else if (r.n > 0 || m < STORE_BUILTIN_MEASURES)
				course_row(&t, &c, store_measure_name(ctx->store, m), &r);
		}
	}
	store_iter_free(it);
	store_course_release(&c);
	if (rc < 0) {
		rc = cmd_error(&err);
		goto out;
	}
	if (clinic) {
		if (by == BY_NONE && ngroups == 0) {
			groups = xgrow(groups, &cap, 1, sizeof(*groups));
			groups[0].name = xstrdup("");
			for (m = 0; m < nm; m++)
				groups[0].acc[m] = stats_acc_new();
			ngroups = 1;
		}
		qsort(groups, ngroups, sizeof(*groups), group_cmp);
		table_begin(&t, stdout, fmt, clinic_cols, NCLINIC_COLS);
		for (g = 0; g < ngroups; g++)
			for (m = 0; m < nm; m++) {
				struct stats_clinic r;
				if (measure >= 0 && (int)m != measure)
					continue;
				stats_acc_finish(groups[g].acc[m], &r);
				clinic_row(&t, store_measure_name(ctx->store, m), &r, by_names[by],
					   by == BY_NONE ? NULL : groups[g].name);
			}
	}
	table_end(&t);
	rc = EXIT_OK;
	if (!clinic && courses == 0 && (f->patient_id || f->course_id)) {
		fprintf(stderr, "symtrend: no course matches %s%s%s\n",
			f->patient_id ? "the patient" : "", f->patient_id && f->course_id ? " and " : "",
			f->course_id ? "the course" : "");
		rc = EXIT_REJECTS;
	}
out:
	for (g = 0; g < ngroups; g++) {
		for (m = 0; m < nm; m++)
			stats_acc_free(groups[g].acc[m]);
		free(groups[g].name);
	}
	free(groups);
	stats_ctx_free(sc);
	return rc;
}

static int cmd_stats(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "patient", required_argument, NULL, 'p' },
		{ "course", required_argument, NULL, 'c' },
		{ "clinic", no_argument, NULL, 'C' },
		{ "by", required_argument, NULL, 'b' },
		{ "measure", required_argument, NULL, 'm' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_filter f = STORE_FILTER_INIT;
	enum group_by by = BY_NONE;
	int c, clinic = 0, measure = -1, fmt = TABLE_TEXT;
	size_t i;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': f.patient_id = optarg; break;
		case 'c': f.course_id = optarg; break;
		case 'C': clinic = 1; break;
		case 'b':
			for (i = 1; i < 4; i++)
				if (!strcmp(optarg, by_names[i]))
					by = (enum group_by)i;
			if (by == BY_NONE)
				return cmd_usage(&cmd_stats_entry, "--by takes therapist, indication or referrer, not '%s'", optarg);
			break;
		case 'm':
			measure = store_measure_index(ctx->store, optarg);
			if (measure < 0)
				return cmd_usage(&cmd_stats_entry, "unknown measure '%s'", optarg);
			break;
		case 'f':
		case 't': {
			long d;
			if (date_parse(optarg, strlen(optarg), &d) < 0)
				return cmd_usage(&cmd_stats_entry, "--%s takes a date YYYY-MM-DD, not '%s'",
						 c == 'f' ? "from" : "to", optarg);
			if (c == 'f')
				f.from = d;
			else
				f.to = d;
			break;
		}
		case 'F':
			fmt = table_parse_format(optarg);
			if (fmt < 0)
				return cmd_usage(&cmd_stats_entry, "--format takes text, csv or json, not '%s'", optarg);
			break;
		default:
			return cmd_usage(&cmd_stats_entry, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage(&cmd_stats_entry, "unexpected argument '%s'", argv[optind]);
	if (by != BY_NONE && !clinic)
		return cmd_usage(&cmd_stats_entry, "--by goes with --clinic");
	if (clinic && (f.patient_id || f.course_id))
		return cmd_usage(&cmd_stats_entry, "--clinic covers every course: no --patient or --course");
	return run_stats(ctx, &f, clinic, by, measure, (enum table_format)fmt);
}

const struct cmd_entry cmd_stats_entry = {
	.name = "stats",
	.usage = "stats [--patient ID] [--course ID] [--measure M] [--from DATE] [--to DATE]\n"
		 "                [--format text|csv|json]\n"
		 "       symtrend stats --clinic [--by therapist|indication|referrer] [--measure M]\n"
		 "                [--from DATE] [--to DATE] [--format text|csv|json]",
	.summary = "trend statistics per course, or for the whole clinic",
	.help = "  --patient ID   only this patient's courses\n"
		"  --course ID    only this course\n"
		"  --measure M    only this measure\n"
		"  --from DATE    only courses that started on or after DATE\n"
		"  --to DATE      only courses that started on or before DATE\n"
		"  --clinic       one row per measure over all courses with n >= 2\n"
		"  --by KEY       with --clinic: one table per therapist, indication or referrer\n"
		"  --format F     text (default), csv or json\n\n"
		"Definitions: CONTRACT.md and symtrend(1).  Undefined values are '-' in\n"
		"text, empty in csv, null in json.\n",
	.flags = CMD_NEED_DB,
	.exec = cmd_stats,
};
