/*
 * cmd_model.c - 'symtrend model': the clinic's expected recovery per
 * measure (and per indication), a mixed model fitted by REML.
 */
#include <getopt.h>
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

static int cmd_model(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "measure", required_argument, NULL, 'm' },
		{ "by", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_filter f = STORE_FILTER_INIT;
	struct store_iter *it = NULL;
	struct store_course c;
	struct error err = ERROR_INIT;
	struct mgroup *groups = NULL;
	struct table t;
	size_t ngroups = 0, cap = 0, nm = store_measure_count(ctx->store), m, g;
	int opt, measure = -1, fmt = TABLE_TEXT, by = 0, rc;
	double *s = NULL, *y = NULL;
	size_t scap = 0;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			measure = store_measure_index(ctx->store, optarg);
			if (measure < 0)
				return cmd_usage(&cmd_model_entry, "unknown measure '%s'", optarg);
			break;
		case 'b':
			if (strcmp(optarg, "indication") != 0)
				return cmd_usage(&cmd_model_entry, "--by takes indication, not '%s'", optarg);
			by = 1;
			break;
		case 'F':
			fmt = table_parse_format(optarg);
			if (fmt < 0)
				return cmd_usage(&cmd_model_entry, "--format takes text, csv or json, not '%s'", optarg);
			break;
		default:
			return cmd_usage(&cmd_model_entry, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage(&cmd_model_entry, "unexpected argument '%s'", argv[optind]);
	memset(&c, 0, sizeof(c));
	groups = xgrow(groups, &cap, 1, sizeof(*groups));
	memset(&groups[0], 0, sizeof(groups[0]));
	groups[0].name = xstrdup("");
	ngroups = 1;
	if (store_iter_open(ctx->store, &f, &it, &err) < 0)
		return cmd_error(&err);
	while ((rc = store_iter_next(it, &c, &err)) == 1) {
		struct mgroup *gr = NULL;
		if (by) {
			const char *key = c.indication ? c.indication : "(unknown)";
			for (g = 1; g < ngroups; g++)
				if (!strcmp(groups[g].name, key))
					gr = &groups[g];
			if (!gr) {
				groups = xgrow(groups, &cap, ngroups + 1, sizeof(*groups));
				gr = &groups[ngroups++];
				memset(gr, 0, sizeof(*gr));
				gr->name = xstrdup(key);
			}
		}
		if (c.n > scap) {
			size_t c2 = scap;
			s = xgrow(s, &c2, c.n, sizeof(*s));
			y = xgrow(y, &scap, c.n, sizeof(*y));
		}
		for (m = 0; m < nm; m++) {
			size_t n;
			if (measure >= 0 && (int)m != measure)
				continue;
			n = store_course_points(&c, m, s, y);
			model_add_course(&groups[0].d[m], s, y, n);
			if (gr)
				model_add_course(&gr->d[m], s, y, n);
		}
	}
	store_iter_free(it);
	store_course_release(&c);
	free(s);
	free(y);
	if (rc < 0) {
		rc = cmd_error(&err);
		goto out;
	}
	if (ngroups > 2)
		qsort(groups + 1, ngroups - 1, sizeof(*groups), mgroup_cmp);
	table_begin(&t, stdout, (enum table_format)fmt, cols, NCOLS);
	for (g = 0; g < ngroups; g++)
		for (m = 0; m < nm; m++) {
			struct model_fit fit;
			if (measure >= 0 && (int)m != measure)
				continue;
			if (m >= STORE_BUILTIN_MEASURES && groups[g].d[m].ngroups == 0)
				continue;
			model_fit_reml(&groups[g].d[m], NULL, &fit);
			table_str(&t, store_measure_name(ctx->store, m));
			table_str(&t, g ? "indication" : NULL);
			table_str(&t, g ? groups[g].name : NULL);
			table_int(&t, fit.groups);
			table_int(&t, fit.nobs);
			table_num(&t, fit.beta[0]);
			table_num(&t, fit.beta_se[0]);
			table_num(&t, fit.beta_lo[0]);
			table_num(&t, fit.beta_hi[0]);
			table_num(&t, fit.beta[1]);
			table_num(&t, fit.beta_se[1]);
			table_num(&t, fit.beta_lo[1]);
			table_num(&t, fit.beta_hi[1]);
			table_num(&t, fit.sd_intercept);
			table_num(&t, fit.sd_slope);
			table_num(&t, fit.corr);
			table_num(&t, fit.sigma);
			table_num(&t, fit.reml);
			table_int(&t, fit.converged);
			table_end_row(&t);
		}
	table_end(&t);
	rc = EXIT_OK;
out:
	for (g = 0; g < ngroups; g++) {
		for (m = 0; m < nm; m++)
			model_data_release(&groups[g].d[m]);
		free(groups[g].name);
	}
	free(groups);
	return rc;
}

const struct cmd_entry cmd_model_entry = {
	.name = "model",
	.usage = "model [--measure M] [--by indication] [--format text|csv|json]",
	.summary = "the clinic's expected recovery: a mixed model per measure (REML)",
	.help = "  --measure M      only this measure\n"
		"  --by indication  also one model per indication\n"
		"  --format F       text (default), csv or json\n\n"
		"Per measure: score ~ log(session_no) + (log(session_no) | course), fitted by\n"
		"REML as lme4 fits it.  Columns: fixed effects (intercept, slope per\n"
		"log session) with standard errors and 95% Wald intervals, the SDs and\n"
		"correlation of the courses' random intercepts and slopes, the residual SD,\n"
		"the REML criterion, and whether the optimiser converged.\n",
	.flags = CMD_NEED_DB,
	.exec = cmd_model,
};
