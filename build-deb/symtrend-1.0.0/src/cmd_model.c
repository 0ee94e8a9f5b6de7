/*
 * cmd_model.c - 'symtrend model': the clinic's expected recovery per
 * measure (and per indication), a mixed model fitted by REML.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "model.h"
#include "table.h"

static const struct table_col cols[] = {
	{ "measure", -8, 0 }, { "group_by", -10, 0 }, { "group", -20, 0 },
	{ "courses", 7, 0 }, { "observations", 12, 0 },
	{ "intercept", 9, 3 }, { "intercept_se", 12, 3 }, { "intercept_lo", 12, 3 },
	{ "intercept_hi", 12, 3 }, { "slope", 7, 3 }, { "slope_se", 8, 3 }, { "slope_lo", 8, 3 },
	{ "slope_hi", 8, 3 }, { "sd_intercept", 12, 3 }, { "sd_slope", 8, 3 }, { "corr", 6, 2 },
	{ "sigma", 6, 3 }, { "reml", 10, 2 }, { "converged", 9, 0 },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

struct mgroup {
	char *name;
	struct model_data d[CSVIN_MAX_MEASURES];
};

static int mgroup_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mgroup *)a)->name, ((const struct mgroup *)b)->name);
}

struct model_args {
	const char *measure;
	int by, format;
};

static const char *const model_by[] = { "indication", NULL };

static const struct opt model_options[] = {
	OPTION_STRING("measure", 0, "M", struct model_args, measure, "only this measure"),
	OPTION_CHOICE("by", 0, "indication", struct model_args, by, model_by,
		      "also one model per indication"),
	OPTION_CHOICE("format", 0, "F", struct model_args, format, table_formats,
		      "text (default), csv or json"),
	OPTION_END,
};

/* One run of 'model': group 0 is every course, then one per indication. */
struct run {
	int by, measure;
	size_t nm;
	struct mgroup *groups;
	size_t ngroups, cap;
	double *s, *y; /* one course's points */
	size_t scap;
};

static struct mgroup *new_group(struct run *r, const char *name)
{
	struct mgroup *gr;
	r->groups = xgrow(r->groups, &r->cap, r->ngroups + 1, sizeof(*r->groups));
	gr = &r->groups[r->ngroups++];
	memset(gr, 0, sizeof(*gr));
	gr->name = xstrdup(name);
	return gr;
}

static struct mgroup *indication_group(struct run *r, const struct store_course *c)
{
	const char *key = c->indication ? c->indication : "(unknown)";
	size_t g;
	for (g = 1; g < r->ngroups; g++)
		if (!strcmp(r->groups[g].name, key))
			return &r->groups[g];
	return new_group(r, key);
}

static int add_course(void *arg, const struct store_course *c, struct error *err)
{
	struct run *r = arg;
	struct mgroup *gr = r->by ? indication_group(r, c) : NULL;
	size_t m;
	(void)err;
	if (c->n > r->scap) {
		size_t c2 = r->scap;
		r->s = xgrow(r->s, &c2, c->n, sizeof(*r->s));
		r->y = xgrow(r->y, &r->scap, c->n, sizeof(*r->y));
	}
	for (m = 0; m < r->nm; m++) {
		size_t n;
		if (r->measure >= 0 && (int)m != r->measure)
			continue;
		n = store_course_points(c, m, r->s, r->y);
		model_add_course(&r->groups[0].d[m], r->s, r->y, n);
		if (gr)
			model_add_course(&gr->d[m], r->s, r->y, n);
	}
	return 0;
}

static void fit_row(struct table *t, const char *measure, const char *group,
		    const struct model_fit *fit)
{
	table_str(t, measure);
	table_str(t, group ? "indication" : NULL);
	table_str(t, group);
	table_int(t, fit->groups);
	table_int(t, fit->nobs);
	table_num(t, fit->beta[0]);
	table_num(t, fit->beta_se[0]);
	table_num(t, fit->beta_lo[0]);
	table_num(t, fit->beta_hi[0]);
	table_num(t, fit->beta[1]);
	table_num(t, fit->beta_se[1]);
	table_num(t, fit->beta_lo[1]);
	table_num(t, fit->beta_hi[1]);
	table_num(t, fit->sd_intercept);
	table_num(t, fit->sd_slope);
	table_num(t, fit->corr);
	table_num(t, fit->sigma);
	table_num(t, fit->reml);
	table_int(t, fit->converged);
	table_end_row(t);
}

static void model_table(struct run *r, struct store *store, enum table_format fmt)
{
	struct table t;
	size_t g, m;
	if (r->ngroups > 2)
		qsort(r->groups + 1, r->ngroups - 1, sizeof(*r->groups), mgroup_cmp);
	table_begin(&t, stdout, fmt, cols, NCOLS);
	for (g = 0; g < r->ngroups; g++)
		for (m = 0; m < r->nm; m++) {
			struct model_fit fit;
			if (r->measure >= 0 && (int)m != r->measure)
				continue;
			if (m >= STORE_BUILTIN_MEASURES && r->groups[g].d[m].ngroups == 0)
				continue;
			model_fit_reml(&r->groups[g].d[m], NULL, &fit);
			fit_row(&t, store_measure_name(store, m), g ? r->groups[g].name : NULL, &fit);
		}
	table_end(&t);
}

static int cmd_model(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct model_args *a = opts;
	struct store_filter f = STORE_FILTER_INIT;
	struct error err = ERROR_INIT;
	struct run r;
	size_t g, m;
	int rc = EXIT_OK;

	(void)argc;
	(void)argv;
	memset(&r, 0, sizeof(r));
	r.by = a->by == 0;
	r.measure = -1;
	r.nm = store_measure_count(ctx->store);
	if (a->measure && (r.measure = store_measure_index(ctx->store, a->measure)) < 0)
		return cmd_usage(&cmd_model_entry, "unknown measure '%s'", a->measure);
	(void)new_group(&r, "");
	if (store_for_each_course(ctx->store, &f, add_course, &r, &err) < 0)
		rc = cmd_error(&err);
	else
		model_table(&r, ctx->store, a->format < 0 ? TABLE_TEXT : (enum table_format)a->format);
	for (g = 0; g < r.ngroups; g++) {
		for (m = 0; m < r.nm; m++)
			model_data_release(&r.groups[g].d[m]);
		free(r.groups[g].name);
	}
	free(r.groups);
	free(r.s);
	free(r.y);
	return rc;
}

const struct cmd_entry cmd_model_entry = {
	.name = "model",
	.usage = "model [--measure M] [--by indication] [--format text|csv|json]",
	.summary = "the clinic's expected recovery: a mixed model per measure (REML)",
	.options = model_options,
	.options_size = sizeof(struct model_args),
	.max_args = 0,
	.help = "Per measure: score ~ log(session_no) + (log(session_no) | course), fitted by\n"
		"REML as lme4 fits it.  Columns: fixed effects (intercept, slope per\n"
		"log session) with standard errors and 95% Wald intervals, the SDs and\n"
		"correlation of the courses' random intercepts and slopes, the residual SD,\n"
		"the REML criterion, and whether the optimiser converged.\n",
	.flags = CMD_NEED_DB,
	.exec = cmd_model,
};
