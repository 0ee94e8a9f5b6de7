/*
 * settings.c - the settings table and what reads it (see settings.h).
 */
#include "settings.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "clinic.h"
#include "csvin.h"
#include "decode.h"

static const char *measure_label(const struct store *s, size_t m);
static int check_absolute(const char *value, struct error *err);
static const char *measure_loinc(const struct store *s, size_t m);
static int check_loinc(const char *value, struct error *err);
static int check_uri(const char *value, struct error *err);

/* Only what the contract says of every score; who rated it is the clinic's
 * to say (MEASURE.instrument). */
#define INSTRUMENT_DEFAULT "0-10 rating, 0 = no symptom, 10 = worst imaginable"

#define CS(field) offsetof(struct clinic_settings, field)
#define SM(field) offsetof(struct settings_measure, field)
#define INT_ROW(k, d, lo, hi, h) \
	{ #k, SETTING_INT, 0, (d), (lo), (hi), NULL, (h), NULL, NULL, CS(k) }
#define TEXT_ROW(k, f, d, len, h, fn, o) \
	{ #k, SETTING_TEXT, (f), (d), 0, (len), NULL, (h), (fn), NULL, (o) }
#define PM SETTING_PER_MEASURE

/* date_format: empty, DD/MM/YYYY or MM/DD/YYYY. */
static int check_date_format(const char *v, struct error *err)
{
	enum csvin_date_format f;
	if (!*v || csvin_date_format_parse(v, &f) == 0)
		return 0;
	error_set(err, ERR_USAGE, NULL, 0, "date_format is DD/MM/YYYY or MM/DD/YYYY, not '%.20s'",
		  v);
	return -1;
}

const struct setting settings_table[] = {
	INT_ROW(alert_window, "28", 0, 3650,
		"nightly: notes and alerts for patients with a session\n"
		"in the days before the run date, this many"),
	INT_ROW(backup_keep_daily, "7", 1, 3650,
		"nightly backups: the newest of this many days are kept"),
	INT_ROW(backup_keep_weekly, "4", 0, 520,
		"nightly backups: and the newest of each of this many weeks"),
	INT_ROW(course_gap, CLINIC_STR(CLINIC_COURSE_GAP_DEFAULT), 1, 3650,
		"days without a session that start a new course"),
	INT_ROW(index_period, "90", 1, 3650, "morning page: days compared with the days before"),
	INT_ROW(index_show_names, "0", 0, 1, "morning page: 1 shows patient names beside ids"),
	INT_ROW(no_response_sessions, "6", 2, 1000,
		"nightly: sessions without response before an alert"),
	INT_ROW(relapse_gap, "21", 1, 3650, "nightly: days of pause that count as a break"),
	INT_ROW(retention_years, "10", 1, 100,
		"patient erase/purge: years after the last session the records are kept"),
	INT_ROW(settle_seconds, "60", 0, 86400, "nightly: files modified more recently wait"),
	{ "backup_dir", SETTING_TEXT, 0, "", 0, 1024, NULL,
	  "nightly: ends with a verified backup BACKUP_DIR/symtrend-YYYY-MM-DD.db\n"
	  "(an absolute path; empty: no backup)", NULL, check_absolute, CS(backup_dir) },
	{ "input_encoding", SETTING_TEXT, 0, "UTF-8", 0, 32, NULL,
	  "encoding of CSV files without a BOM (ingest, nightly)", NULL, decode_check_encoding,
	  CS(input_encoding) },
	{ "date_format", SETTING_TEXT, 0, "", 0, 10, NULL,
	  "how dates with slashes are read (ingest, nightly):\n"
	  "DD/MM/YYYY or MM/DD/YYYY; empty: not at all", NULL, check_date_format,
	  CS(date_format) },
	{ "mcid", SETTING_NUMBER, PM | SETTING_MIN_OPEN, "2", 0, CLINIC_SCORE_MAX, NULL,
	  "minimal clinically important difference", NULL, NULL, SM(mcid) },
	{ "reliability", SETTING_NUMBER, PM | SETTING_MAX_OPEN, "0.8", 0, 1, NULL,
	  "r of the reliable change index", NULL, NULL, SM(reliability) },
	{ "sd", SETTING_NUMBER, PM | SETTING_MIN_OPEN, "auto", 0, CLINIC_SCORE_MAX, "auto",
	  "SD for the RCI (auto: SD of the baselines)", NULL, NULL, SM(sd) },
	{ "cutoff", SETTING_NUMBER, PM, "3", CLINIC_SCORE_MIN, CLINIC_SCORE_MAX, NULL,
	  "'recovered' at or below this score", NULL, NULL, SM(cutoff) },
	{ "min_baseline", SETTING_NUMBER, PM, "4", CLINIC_SCORE_MIN, CLINIC_SCORE_MAX, NULL,
	  "response figures count courses with a baseline at least this", NULL, NULL,
	  SM(min_baseline) },
	TEXT_ROW(label, PM, "", 40, "the measure's name in letters (fatigue: Fatigue)",
		 measure_label, SM(label)),
	TEXT_ROW(instrument, PM, INSTRUMENT_DEFAULT, 200,
		 "what the score is, for letters (e.g. 'single-item\n"
		 "0-10 numeric rating, rated by the patient')", NULL, SM(instrument)),
	TEXT_ROW(clinic_name, 0, "", 128, "letterhead of referral letters: the clinic's name",
		 NULL, CS(clinic_name)),
	TEXT_ROW(clinic_address, 0, "", 200, "letterhead: the address, one line", NULL,
		 CS(clinic_address)),
	TEXT_ROW(clinic_phone, 0, "", 64, "letterhead: the phone number", NULL, CS(clinic_phone)),
	TEXT_ROW(clinic_email, 0, "", 254, "letterhead: the email address", NULL,
		 CS(clinic_email)),
	{ "loinc", SETTING_TEXT, PM, "", 0, 10, NULL,
	  "FHIR export: the measure's LOINC code (pain: 72514-3);\n"
	  "empty: its name in fhir_code_system", measure_loinc, check_loinc, SM(loinc) },
	{ "fhir_identifier_system", SETTING_TEXT, 0, "urn:symtrend:patient-id", 0, 254, NULL,
	  "FHIR export: the system (a URI) of the clinic's patient ids", NULL, check_uri,
	  CS(fhir_identifier_system) },
	{ "fhir_code_system", SETTING_TEXT, 0, "urn:symtrend:measure", 0, 254, NULL,
	  "FHIR export: the code system (a URI) of measures without LOINC", NULL, check_uri,
	  CS(fhir_code_system) },
	{ NULL, SETTING_INT, 0, NULL, 0, 0, NULL, NULL, NULL, NULL, 0 },
};

/* LOINC 72514-3: "Pain severity - 0-10 verbal numeric rating [Score] -
 * Reported".  The other built-in measures are single 0-10 items with no
 * LOINC code of their own: they go under fhir_code_system. */
static const char *measure_loinc(const struct store *s, size_t m)
{
	return !strcmp(store_measure_name(s, m), "pain") ? "72514-3" : "";
}

/* A LOINC code: 1 to 7 digits, '-', the mod-10 (Luhn) check digit; or empty. */
static int check_loinc(const char *v, struct error *err)
{
	size_t n = strspn(v, "0123456789"), i;
	int sum = 0, dbl = 1;
	if (!*v)
		return 0;
	if (n < 1 || n > 7 || v[n] != '-' || !(v[n + 1] >= '0' && v[n + 1] <= '9') || v[n + 2]) {
		error_set(err, ERR_USAGE, NULL, 0,
			  "'%s' is not a LOINC code (digits, '-', a check digit: 72514-3)", v);
		return -1;
	}
	for (i = n; i-- > 0; dbl = !dbl) {
		int d = (v[i] - '0') * (dbl ? 2 : 1);
		sum += d > 9 ? d - 9 : d;
	}
	if ((10 - sum % 10) % 10 != v[n + 1] - '0') {
		error_set(err, ERR_USAGE, NULL, 0, "'%s': its check digit should be %d", v,
			  (10 - sum % 10) % 10);
		return -1;
	}
	return 0;
}

/* An absolute URI as FHIR's uri type wants it: a scheme ("urn:", "https:"),
 * then something, no spaces. */
static int check_uri(const char *v, struct error *err)
{
	size_t n = 0;
	if ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z'))
		n = 1 + strspn(v + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
	if (n == 0 || v[n] != ':' || !v[n + 1] || strpbrk(v, " \t\"<>\\^`{|}")) {
		error_set(err, ERR_USAGE, NULL, 0,
			  "'%s' is not an absolute URI (such as 'urn:oid:1.2.3' or "
			  "'https://clinic.example/ids')", v);
		return -1;
	}
	return 0;
}

static const char *measure_label(const struct store *s, size_t m)
{
	static const char *const builtin[CLINIC_MEASURES] = {
		"Fatigue", "Sleep disturbance", "Difficulty concentrating", "Pain",
	};
	return m < CLINIC_MEASURES ? builtin[m] : store_measure_name(s, m);
}

/* A folder the nightly writes to from cron's working folder: absolute. */
static int check_absolute(const char *value, struct error *err)
{
	if (*value && *value != '/') {
		error_set(err, ERR_USAGE, NULL, 0, "'backup_dir' takes an absolute path");
		return -1;
	}
	return 0;
}

/* The row of a key and, for a per-measure key, the measure's index. */
static const struct setting *find(const struct store *s, const char *key, size_t *measure)
{
	const struct setting *row;
	const char *dot = strchr(key, '.');
	char name[40];
	int m = -1;
	if (dot && (size_t)(dot - key) < sizeof(name)) {
		memcpy(name, key, (size_t)(dot - key));
		name[dot - key] = '\0';
		m = store_measure_index(s, name);
	}
	for (row = settings_table; row->key; row++) {
		if (!(row->flags & SETTING_PER_MEASURE) && !strcmp(key, row->key))
			return row;
		if ((row->flags & SETTING_PER_MEASURE) && m >= 0 && !strcmp(dot + 1, row->key)) {
			*measure = (size_t)m;
			return row;
		}
	}
	return NULL;
}

const struct setting *settings_find(const struct store *s, const char *key)
{
	size_t m;
	return find(s, key, &m);
}

const char *settings_default(const struct store *s, const char *key)
{
	size_t m = 0;
	const struct setting *row = find(s, key, &m);
	if (!row)
		return NULL;
	return row->def_of ? row->def_of(s, m) : row->def;
}

/* A decimal number as the contract writes one: no hex, inf or nan. */
static int parse_number(const char *v, double *out)
{
	char *end;
	if (!*v || strpbrk(v, "xXnNiI"))
		return -1;
	*out = strtod(v, &end);
	return (*end || !isfinite(*out)) ? -1 : 0;
}

static int check_int(const struct setting *row, const char *key, const char *v,
		     struct error *err)
{
	char *end;
	long x = strtol(v, &end, 10);
	if (!*v || *end || v[0] == '-' || v[0] == '+' || x < (long)row->min || x > (long)row->max) {
		error_set(err, ERR_USAGE, NULL, 0, "'%s' takes a whole number %ld-%ld", key,
			  (long)row->min, (long)row->max);
		return -1;
	}
	return 0;
}

static int check_number(const struct setting *row, const char *key, const char *v,
			struct error *err)
{
	double x;
	int lo_open = (row->flags & SETTING_MIN_OPEN) != 0, hi_open = (row->flags & SETTING_MAX_OPEN) != 0;
	if (row->word && !strcmp(v, row->word))
		return 0;
	if (parse_number(v, &x) < 0) {
		error_set(err, ERR_USAGE, NULL, 0, "'%s' takes a number", key);
		return -1;
	}
	if (x < row->min || (lo_open && x <= row->min) || x > row->max || (hi_open && x >= row->max)) {
		error_set(err, ERR_USAGE, NULL, 0, "'%s' out of range (%g %s %s %s %g%s%s%s)", key,
			  row->min, lo_open ? "<" : "<=", row->key, hi_open ? "<" : "<=", row->max,
			  row->word ? " or '" : "", row->word ? row->word : "", row->word ? "'" : "");
		return -1;
	}
	return 0;
}

static int check_text(const struct setting *row, const char *key, const char *v,
		      struct error *err)
{
	size_t n = strlen(v);
	if (!text_is_clean(v, n, 0)) {
		error_set(err, ERR_USAGE, NULL, 0,
			  "'%s' takes one line of text (no control characters, UTF-8)", key);
		return -1;
	}
	if (utf8_len(v, n) > (size_t)row->max) {
		error_set(err, ERR_USAGE, NULL, 0, "'%s' takes at most %zu characters", key,
			  (size_t)row->max);
		return -1;
	}
	return 0;
}

int settings_check(const struct store *s, const char *key, const char *value,
		   struct error *err)
{
	const struct setting *row = settings_find(s, key);
	if (!row) {
		error_set(err, ERR_USAGE, NULL, 0,
			  "unknown setting '%s' (see 'symtrend config' for the list)", key);
		return -1;
	}
	if (row->type == SETTING_TEXT)
		return check_text(row, key, value, err) < 0 ? -1
		       : row->check ? row->check(value, err) : 0;
	if (strlen(value) > 32) {
		error_set(err, ERR_USAGE, NULL, 0, "value for '%s' is too long", key);
		return -1;
	}
	return row->type == SETTING_INT ? check_int(row, key, value, err)
					: check_number(row, key, value, err);
}

/* The stored value when it passes the row's check, else the default (caller frees). */
static char *value_of(struct store *s, const char *key)
{
	char *v = store_config_get(s, key);
	const char *def;
	if (v && settings_check(s, key, v, NULL) == 0)
		return v;
	free(v);
	def = settings_default(s, key);
	return xstrdup(def ? def : "");
}

long settings_long(struct store *s, const char *key)
{
	char *v = value_of(s, key);
	long x = strtol(v, NULL, 10);
	free(v);
	return x;
}

double settings_number(struct store *s, const char *key)
{
	char *v = value_of(s, key);
	double x = NAN;
	if (parse_number(v, &x) < 0)
		x = NAN;
	free(v);
	return x;
}

char *settings_text(struct store *s, const char *key)
{
	return value_of(s, key);
}

void settings_each(const struct store *s, void (*fn)(void *arg, const char *key), void *arg)
{
	const struct setting *row, *r2;
	int measures_done = 0;
	size_t m;
	for (row = settings_table; row->key; row++) {
		if (!(row->flags & SETTING_PER_MEASURE)) {
			fn(arg, row->key);
			continue;
		}
		if (measures_done++)
			continue;
		for (m = 0; m < store_measure_count(s); m++)
			for (r2 = row; r2->key; r2++)
				if (r2->flags & SETTING_PER_MEASURE) {
					char key[96];
					snprintf(key, sizeof(key), "%s.%s", store_measure_name(s, m), r2->key);
					fn(arg, key);
				}
	}
}

void settings_help(FILE *out)
{
	const struct setting *row;
	fputs("settings (default):\n", out);
	for (row = settings_table; row->key; row++) {
		char key[40];
		const char *h = row->help, *nl;
		const char *def = row->def_of ? "" : strlen(row->def) <= 5 ? row->def : "";
		snprintf(key, sizeof(key), "%s%s", row->flags & SETTING_PER_MEASURE ? "MEASURE." : "",
			 row->key);
		fprintf(out, "  %-22s%-6s", key, def);
		while ((nl = strchr(h, '\n'))) {
			fprintf(out, "%.*s\n%30s", (int)(nl - h), h, "");
			h = nl + 1;
		}
		fprintf(out, "%s\n", h);
	}
}

/* One row's value into base + row->off. */
static void load_row(struct store *s, const struct setting *row, const char *key, char *base)
{
	switch (row->type) {
	case SETTING_INT:
		*(long *)(void *)(base + row->off) = settings_long(s, key);
		break;
	case SETTING_NUMBER:
		*(double *)(void *)(base + row->off) = settings_number(s, key);
		break;
	default:
		*(char **)(void *)(base + row->off) = settings_text(s, key);
		break;
	}
}

void settings_load(struct store *s, struct clinic_settings *cs)
{
	const struct setting *row;
	size_t m;
	memset(cs, 0, sizeof(*cs));
	cs->nm = store_measure_count(s);
	for (row = settings_table; row->key; row++) {
		if (!(row->flags & SETTING_PER_MEASURE)) {
			load_row(s, row, row->key, (char *)cs);
			continue;
		}
		for (m = 0; m < cs->nm; m++) {
			char key[96];
			snprintf(key, sizeof(key), "%s.%s", store_measure_name(s, m), row->key);
			load_row(s, row, key, (char *)&cs->m[m]);
		}
	}
}

/* The text rows' strings, freed through the same offsets. */
static void release_row(const struct setting *row, char *base)
{
	if (row->type == SETTING_TEXT) {
		char **p = (char **)(void *)(base + row->off);
		free(*p);
		*p = NULL;
	}
}

void settings_release(struct clinic_settings *cs)
{
	const struct setting *row;
	size_t m;
	for (row = settings_table; row->key; row++) {
		if (!(row->flags & SETTING_PER_MEASURE))
			release_row(row, (char *)cs);
		else
			for (m = 0; m < cs->nm; m++)
				release_row(row, (char *)&cs->m[m]);
	}
}

static void cache_free(void *p)
{
	settings_release(p);
	free(p);
}

const struct clinic_settings *settings_get(struct store *s)
{
	struct clinic_settings *cs = store_settings_cached(s);
	if (cs)
		return cs;
	cs = xmalloc(sizeof(*cs));
	settings_load(s, cs);
	store_settings_cache(s, cs, cache_free);
	return cs;
}

void settings_rules_of(const struct clinic_settings *cs, struct outcome_rules *out)
{
	out->relapse_gap = cs->relapse_gap;
	out->no_response_sessions = cs->no_response_sessions;
	out->course_gap = cs->course_gap;
	out->alert_window = cs->alert_window;
}

void settings_rules(struct store *s, struct outcome_rules *out)
{
	settings_rules_of(settings_get(s), out);
}
