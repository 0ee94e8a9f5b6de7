/*
 * alerts.h - the nightly alerts as data (CONTRACT.md, "Alerts (nightly)"):
 * which alerts a patient's active courses raise, and how a day's alerts
 * are written (alerts.txt for a person, alerts.csv and `symtrend alerts`
 * in the contract's columns).
 *
 * Owns the alert kinds, their wording and the choice of the courses they
 * concern (active ones, and the break between a patient's courses for a
 * relapse).  Whether a number is worse, a relapse, a lost response or a
 * plateau is the outcome rules' decision; this module only asks.
 */
#ifndef SYMTREND_ALERTS_H
#define SYMTREND_ALERTS_H

#include <stdio.h>

#include "outcome.h"
#include "reading.h"
#include "stats.h"
#include "store.h"
#include "table.h"

enum alert_kind {
	ALERT_WORSE,
	ALERT_RELAPSE,
	ALERT_RESPONSE_LOST,
	ALERT_PLATEAU,
	ALERT_NO_RESPONSE,
	ALERT_KINDS
};

struct alerts_cfg {
	long today;                /* the run date, days since 1970-01-01 */
	struct outcome_rules rules; /* the reading's rules (alert_window: active courses) */
};
/* The settings of the store (the reading's rules). */
void alerts_cfg_init(struct alerts_cfg *cfg, struct store *s, long today);

/* Appends the alerts raised by the active courses of patient 'pid': the
 * states of their reading (reading.h), rendered. */
int alerts_patient(struct store *s, const struct stats_ctx *sc, const char *pid,
		   const struct alerts_cfg *cfg, struct store_alerts *out, struct error *err);

/* The same for a reading already made. */
void alerts_of_reading(struct store *s, const struct stats_ctx *sc, const struct reading *rd,
		       struct store_alerts *out);

/* Writes alerts in the contract's columns (text, csv or json). */
void alerts_table(FILE *out, enum table_format fmt, const struct store_alerts *l);
/* alerts.txt of 'day': a header naming the runs, then the alerts by kind. */
void alerts_text(struct strbuf *sb, const char *day, const char *runs,
		 const struct store_alerts *l);

#endif
