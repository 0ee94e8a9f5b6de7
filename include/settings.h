/*
 * settings.h - every setting kept in the database, as one table: key,
 * type, default, bounds and help, one row each (settings.c).  The table
 * drives validation ('config set', the options that store a setting), the
 * listing ('config list'), the help ('config --help') and the typed
 * getters.  Adding a setting is adding a row.  The model: redis config.c.
 *
 * Values are kept as text (store_config_*); a stored value that does not
 * pass its row's check reads as the default.
 */
#ifndef SYMTREND_SETTINGS_H
#define SYMTREND_SETTINGS_H

#include <stdio.h>

#include "clinic.h"
#include "store.h"

#include <stddef.h>

enum setting_type {
	SETTING_INT,    /* whole number, min..max inclusive */
	SETTING_NUMBER, /* decimal number, min..max (SETTING_MIN_OPEN/MAX_OPEN exclude them) */
	SETTING_TEXT,   /* one line of UTF-8 without control characters, at most max characters */
};

enum setting_flags {
	SETTING_PER_MEASURE = 1, /* one per measure, key MEASURE.<key> */
	SETTING_MIN_OPEN = 2,    /* min itself is out of range */
	SETTING_MAX_OPEN = 4,    /* max itself is out of range */
};

struct setting {
	const char *key;   /* NULL ends the table */
	enum setting_type type;
	int flags;         /* enum setting_flags */
	const char *def;   /* the default as 'config' shows it */
	double min, max;   /* bounds; SETTING_TEXT: max is the length in characters */
	const char *word;  /* SETTING_NUMBER: a word allowed instead ("auto"), or NULL */
	const char *help;  /* one line for 'config --help' */
	/* Per measure: a default that depends on the measure, or NULL for def. */
	const char *(*def_of)(const struct store *s, size_t measure);
	/* A check of its own after the type's (an encoding iconv knows), or NULL. */
	int (*check)(const char *value, struct error *err);
	/* Where settings_load puts the value: an offset into struct
	 * clinic_settings, or for a per-measure row into struct
	 * settings_measure (long for SETTING_INT, double for SETTING_NUMBER,
	 * char * for SETTING_TEXT). */
	size_t off;
};

/* The settings as the clinic's rules, typed, loaded once per command. */
struct settings_measure {
	double mcid, reliability, sd, cutoff, min_baseline; /* sd NAN: "auto" */
	char *label, *instrument, *loinc; /* loinc "": none (FHIR export) */
};
struct clinic_settings {
	long alert_window, course_gap, index_period, index_show_names;
	long no_response_sessions, relapse_gap, settle_seconds;
	long backup_keep_daily, backup_keep_weekly, retention_years;
	char *backup_dir;
	char *input_encoding, *date_format, *clinic_name, *clinic_address, *clinic_phone,
		*clinic_email;
	char *fhir_identifier_system, *fhir_code_system;
	size_t nm;
	struct settings_measure m[CSVIN_MAX_MEASURES];
};
/* Every row of the table into cs: the stored value when valid, else the
 * default (the one place settings are read by key). */
void settings_load(struct store *s, struct clinic_settings *cs);
void settings_release(struct clinic_settings *cs);
/* The settings of the store, loaded once and kept with it until a setting
 * or a measure changes (the pointer is valid until then). */
const struct clinic_settings *settings_get(struct store *s);

extern const struct setting settings_table[];

/* The row of a key ("course_gap", "pain.mcid" for a known measure), or NULL. */
const struct setting *settings_find(const struct store *s, const char *key);
/* Checks a value for a key: 0, or -1 with err (ERR_USAGE) saying why. */
int settings_check(const struct store *s, const char *key, const char *value,
		   struct error *err);
/* The default of a key as text, or NULL for an unknown key. */
const char *settings_default(const struct store *s, const char *key);

/* Typed getters by key, for settings_load and the settings' own tests:
 * the stored value, or the default when unset or not valid.  Everything
 * else reads struct clinic_settings. */
long settings_long(struct store *s, const char *key);
/* NAN for the row's word ("auto") and for an unknown key. */
double settings_number(struct store *s, const char *key);
/* Caller frees; "" for an unknown key. */
char *settings_text(struct store *s, const char *key);

/* The clinic's rules of a reading (relapse_gap, no_response_sessions,
 * course_gap, alert_window). */
void settings_rules_of(const struct clinic_settings *cs, struct outcome_rules *out);
/* The same, loading the settings for it. */
void settings_rules(struct store *s, struct outcome_rules *out);

/* Calls fn with every key, in the order of 'config list': the rows, each
 * per-measure row once per measure (the first such row's place). */
void settings_each(const struct store *s, void (*fn)(void *arg, const char *key), void *arg);
/* The table as help: key, default, help, one line each. */
void settings_help(FILE *out);

#endif
