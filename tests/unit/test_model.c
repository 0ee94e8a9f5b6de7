/* test_model.c - unit tests of the REML fit against lme4 4 (values from
 * lmer(y ~ log(s) + (log(s) | course), REML = TRUE) on the data below). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "model.h"

#define REL(a, b, tol) assert_true(fabs((a) - (b)) <= (tol) * fabs(b))

static const double y[6][5] = {
	{ 8, 7, 6, 5.5, 5 }, { 6, 6, 5, 5, 4.5 }, { 7, 6.5, 5, 4, 4 },
	{ 5, 5, 5, 4.5, 4.5 }, { 9, 8, 6, 5, 4 }, { 6, 5.5, 5.5, 5, 5 },
};
static const double s[5] = { 1, 2, 3, 4, 5 };

static void fit(struct model_fit *f, struct model_data *d)
{
	size_t i;
	for (i = 0; i < 6; i++)
		model_add_course(d, s, y[i], 5);
	assert_int_equal(model_fit_reml(d, NULL, f), 0);
}

static void test_lme4(void **state)
{
	struct model_data d = { 0 };
	struct model_fit f;
	(void)state;
	fit(&f, &d);
	assert_int_equal(f.groups, 6);
	assert_int_equal(f.nobs, 30);
	REL(f.beta[0], 7.03338284982, 1e-5);
	REL(f.beta[1], -1.51441463964, 1e-5);
	REL(f.beta_se[0], 0.643328839835, 1e-4);
	REL(f.beta_se[1], 0.43702110621, 1e-4);
	REL(f.sd_intercept, 1.54697327951, 1e-4);
	REL(f.sd_slope, 1.03597926067, 1e-4);
	REL(f.corr, -0.978450174198, 1e-3);
	REL(f.sigma, 0.342637211174, 1e-4);
	REL(f.reml, 47.9680389721, 1e-8);
	model_data_release(&d);
}

static void test_conditional_modes(void **state)
{
	struct model_data d = { 0 };
	struct model_fit f;
	struct model_group g;
	double b[2], sd[2];
	(void)state;
	fit(&f, &d);
	/* ranef(f)$course[1, ] */
	g = model_group_of(s, y[0], 5);
	model_course_effect(&f, &g, b, sd);
	REL(b[0], 1.0847018327, 1e-3);
	REL(b[1], -0.477421043387, 1e-3);
	assert_true(sd[0] > 0 && sd[1] > 0 && sd[1] < f.sd_slope);
	/* A warm start from the optimum lands on the same fit. */
	{
		struct model_fit f2;
		assert_int_equal(model_fit_reml(&d, f.theta, &f2), 0);
		REL(f2.reml, f.reml, 1e-9);
	}
	model_data_release(&d);
}

static void test_too_little(void **state)
{
	struct model_data d = { 0 };
	struct model_fit f;
	(void)state;
	model_add_course(&d, s, y[0], 5);
	model_add_course(&d, s, y[1], 0); /* no points: not a course */
	assert_int_equal(d.ngroups, 1);
	assert_int_equal(model_fit_reml(&d, NULL, &f), -1);
	assert_true(isnan(f.beta[0]) && isnan(f.reml) && !f.converged);
	model_data_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lme4),
		cmocka_unit_test(test_conditional_modes),
		cmocka_unit_test(test_too_little),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
