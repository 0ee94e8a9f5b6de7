/*
 * stats_compare.h - two groups of courses compared (part of the stats_
 * module, on GSL): this period's courses against the previous period's, for
 * the morning page and the clinic report.  Welch's two-sample t test of the
 * mean change (R's t.test(x, y)) and the two-sample test of proportions with
 * continuity correction (R's prop.test(c(k1, k2), c(n1, n2)), correct=TRUE).
 * Undefined values are NAN.
 */
#ifndef SYMTREND_STATS_COMPARE_H
#define SYMTREND_STATS_COMPARE_H

#include <stddef.h>

/* A difference a - b with its 95% interval and two-sided p. */
struct stats_diff {
	double diff, lo, hi, p;
};

/* Welch: mean(x) - mean(y); NAN unless both have 2 values and some spread. */
void stats_welch(const double *x, size_t nx, const double *y, size_t ny, struct stats_diff *out);
/* k1/n1 - k2/n2; NAN unless both n are positive. */
void stats_prop_diff(long k1, long n1, long k2, long n2, struct stats_diff *out);
/* Is the difference larger than chance (p < 0.05)?  0 also when undefined. */
int stats_diff_significant(const struct stats_diff *d);

#endif
