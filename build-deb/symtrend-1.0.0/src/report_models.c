/*
 * report_models.c - the clinic's expected course for a run's reports: the
 * mixed models (model.h) of the whole clinic and of every indication, fitted
 * once from every course in the database, in the same pass as the
 * statistics context.  See report.h.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

struct report_models {
	struct model_set *set;
};

struct models_pass {
	struct model_set *set;
	size_t nm, cap;
	double *sx, *sy;
};

/* One course into the model set: its indication's and the clinic's. */
static void models_add(void *arg, const struct store_course *c)
{
	struct models_pass *p = arg;
	size_t k = model_set_course(p->set, c->indication ? c->indication : "(unknown)"), m;
	if (c->n > p->cap) {
		size_t c1 = p->cap;
		p->sx = xgrow(p->sx, &c1, c->n, sizeof(*p->sx));
		p->sy = xgrow(p->sy, &p->cap, c->n, sizeof(*p->sy));
	}
	for (m = 0; m < p->nm; m++)
		model_set_add(p->set, k, m, p->sx, p->sy, store_course_points(c, m, p->sx, p->sy));
}

struct report_models *report_setup(struct store *s, struct stats_ctx **sc, struct error *err)
{
	struct report_models *rm = xcalloc(1, sizeof(*rm));
	struct models_pass p = { NULL, store_measure_count(s), 0, NULL, NULL };
	p.set = rm->set = model_set_new(p.nm);
	*sc = stats_ctx_new_visit(s, models_add, &p, err);
	free(p.sx);
	free(p.sy);
	if (!*sc) {
		report_models_free(rm);
		return NULL;
	}
	model_set_fit(rm->set, REPORT_MODEL_MIN_COURSES);
	return rm;
}

void report_models_free(struct report_models *rm)
{
	if (!rm)
		return;
	model_set_free(rm->set);
	free(rm);
}

const struct model_fit *report_model_for(const struct report_models *rm, size_t m,
					 const char *indication)
{
	return rm ? model_set_for(rm->set, m, indication) : NULL;
}
