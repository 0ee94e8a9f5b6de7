/*
 * opts.c - parses argv against the option tables of opts.h and prints them
 * as help.  Every option error is a usage error that names the option as
 * written and what is wrong with it.
 */
#include "opts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct found {
	const struct opt_table *t;
	const struct opt *o;
};

static void *target_of(const struct found *f)
{
	return (char *)f->t->target + f->o->offset;
}

void opt_defaults(const struct opt_table *t, size_t nt)
{
	size_t i;
	const struct opt *o;
	for (i = 0; i < nt; i++)
		for (o = t[i].opts; o->name; o++) {
			struct found f = { &t[i], o };
			void *p = target_of(&f);
			switch (o->kind) {
			case OPT_FLAG: *(int *)p = 0; break;
			case OPT_STRING: *(const char **)p = NULL; break;
			case OPT_LIST: memset(p, 0, sizeof(struct opt_list)); break;
			case OPT_LONG: *(long *)p = -1; break;
			case OPT_DATE: *(long *)p = OPT_DATE_NONE; break;
			case OPT_CHOICE: *(int *)p = -1; break;
			}
		}
}

void opt_release(const struct opt_table *t, size_t nt)
{
	size_t i;
	const struct opt *o;
	for (i = 0; i < nt; i++)
		for (o = t[i].opts; o->name; o++)
			if (o->kind == OPT_LIST) {
				struct found f = { &t[i], o };
				struct opt_list *l = target_of(&f);
				free(l->v);
				l->v = NULL;
				l->n = 0;
			}
}

/* "-x", "--name" and numbers such as "-1" or "-.5" are not all options. */
static int is_option(const char *a)
{
	if (a[0] != '-' || a[1] == '\0')
		return 0;
	return !(isdigit((unsigned char)a[1]) || (a[1] == '.' && isdigit((unsigned char)a[2])));
}

/* The row of a long name: exact, else the one row it is a prefix of. */
static int find_long(const struct opt_table *t, size_t nt, const char *name, size_t len,
		     struct found *f, struct error *err)
{
	struct strbuf all = STRBUF_INIT;
	const struct opt *o;
	size_t i, matches = 0;
	for (i = 0; i < nt; i++)
		for (o = t[i].opts; o->name; o++) {
			if (strncmp(o->name, name, len) != 0)
				continue;
			if (o->name[len] == '\0') {
				f->t = &t[i];
				f->o = o;
				sb_release(&all);
				return 0;
			}
			sb_addf(&all, "%s--%s", matches ? ", " : "", o->name);
			if (matches++ == 0) {
				f->t = &t[i];
				f->o = o;
			}
		}
	if (matches == 1) {
		sb_release(&all);
		return 0;
	}
	if (matches == 0)
		error_set(err, ERR_USAGE, NULL, 0, "unknown option '--%.*s'", (int)len, name);
	else
		error_set(err, ERR_USAGE, NULL, 0, "option '--%.*s' is ambiguous: %s", (int)len,
			  name, all.buf);
	sb_release(&all);
	return -1;
}

static int find_short(const struct opt_table *t, size_t nt, char c, struct found *f)
{
	size_t i;
	const struct opt *o;
	for (i = 0; i < nt; i++)
		for (o = t[i].opts; o->name; o++)
			if (o->short_name && o->short_name == c) {
				f->t = &t[i];
				f->o = o;
				return 0;
			}
	return -1;
}

/* "a, b or c" */
static void add_choices(struct strbuf *sb, const char *const *ch)
{
	size_t i;
	for (i = 0; ch[i]; i++)
		sb_addf(sb, "%s%s", i == 0 ? "" : ch[i + 1] ? ", " : " or ", ch[i]);
}

static int needs_value(const struct opt *o, struct error *err)
{
	struct strbuf sb = STRBUF_INIT;
	if (o->kind == OPT_CHOICE)
		add_choices(&sb, o->choices);
	else
		sb_adds(&sb, o->value);
	error_set(err, ERR_USAGE, NULL, 0, "option '--%s' needs a value (%s)", o->name, sb.buf);
	sb_release(&sb);
	return -1;
}

static int set_long(const struct opt *o, long *p, const char *v, struct error *err)
{
	char unit[32], *end;
	long x;
	size_t i;
	errno = 0;
	x = isdigit((unsigned char)v[0]) ? strtol(v, &end, 10) : -1;
	if (x >= 0 && !errno && !*end && x >= o->min && x <= o->max) {
		*p = x;
		return 0;
	}
	for (i = 0; o->value[i] && i + 1 < sizeof(unit); i++)
		unit[i] = (char)tolower((unsigned char)o->value[i]);
	unit[i] = '\0';
	error_set(err, ERR_USAGE, NULL, 0, "option '--%s' takes %ld-%ld %s, not '%s'", o->name,
		  o->min, o->max, unit, v);
	return -1;
}

static int set_choice(const struct opt *o, int *p, const char *v, struct error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int i;
	for (i = 0; o->choices[i]; i++)
		if (!strcmp(v, o->choices[i])) {
			*p = i;
			return 0;
		}
	add_choices(&sb, o->choices);
	error_set(err, ERR_USAGE, NULL, 0, "option '--%s' takes %s, not '%s'", o->name, sb.buf, v);
	sb_release(&sb);
	return -1;
}

static int set_value(const struct found *f, const char *v, struct error *err)
{
	const struct opt *o = f->o;
	void *p = target_of(f);
	if (!*v)
		return needs_value(o, err);
	switch (o->kind) {
	case OPT_STRING:
		*(const char **)p = v;
		return 0;
	case OPT_LIST: {
		struct opt_list *l = p;
		l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
		l->v[l->n++] = v;
		return 0;
	}
	case OPT_LONG:
		return set_long(o, p, v, err);
	case OPT_DATE:
		if (date_parse(v, strlen(v), p) == 0)
			return 0;
		error_set(err, ERR_USAGE, NULL, 0, "option '--%s' takes a date YYYY-MM-DD, not '%s'",
			  o->name, v);
		return -1;
	case OPT_CHOICE:
		return set_choice(o, p, v, err);
	case OPT_FLAG:
		break;
	}
	BUG("set_value on a flag");
}

/* The value of a value option: 'inline' (after '=' or the letter) or the next argument. */
static int take_value(const struct found *f, const char *inl, int argc, char **argv, int *i,
		      struct error *err)
{
	if (inl)
		return set_value(f, inl, err);
	if (*i + 1 >= argc || is_option(argv[*i + 1]))
		return needs_value(f->o, err);
	(*i)++;
	return set_value(f, argv[*i], err);
}

static int parse_long(const struct opt_table *t, size_t nt, int argc, char **argv, int *i,
		      struct error *err)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	struct found f;
	if (find_long(t, nt, name, len, &f, err) < 0)
		return -1;
	if (f.o->kind != OPT_FLAG)
		return take_value(&f, eq ? eq + 1 : NULL, argc, argv, i, err);
	if (eq) {
		error_set(err, ERR_USAGE, NULL, 0, "option '--%s' takes no value", f.o->name);
		return -1;
	}
	*(int *)target_of(&f) = 1;
	return 0;
}

static int parse_short(const struct opt_table *t, size_t nt, int argc, char **argv, int *i,
		       struct error *err)
{
	const char *a = argv[*i];
	size_t j;
	struct found f;
	for (j = 1; a[j]; j++) {
		if (find_short(t, nt, a[j], &f) < 0) {
			if (strlen(a) > 2)
				error_set(err, ERR_USAGE, NULL, 0, "unknown option '-%c' in '%s' (a file "
					  "whose name starts with '-' goes after '--' or as './%s')",
					  a[j], a, a);
			else
				error_set(err, ERR_USAGE, NULL, 0, "unknown option '%s'", a);
			return -1;
		}
		if (f.o->kind != OPT_FLAG)
			return take_value(&f, a[j + 1] ? a + j + 1 : NULL, argc, argv, i, err);
		*(int *)target_of(&f) = 1;
	}
	return 0;
}

int opt_parse(const struct opt_table *t, size_t nt, int argc, char **argv, int flags,
	      struct error *err)
{
	int i, nargs = 0, only_args = 0;
	opt_defaults(t, nt);
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		int r;
		if (only_args || !is_option(a)) {
			if (flags & OPT_STOP_AT_ARG)
				return i;
			argv[nargs++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = 1;
			continue;
		}
		r = a[1] == '-' ? parse_long(t, nt, argc, argv, &i, err)
				: parse_short(t, nt, argc, argv, &i, err);
		if (r < 0) {
			opt_release(t, nt);
			return -1;
		}
	}
	return (flags & OPT_STOP_AT_ARG) ? argc : nargs;
}

/* "  -o, --out DIR" or "  --out DIR" */
static void opt_synopsis(struct strbuf *sb, const struct opt *o, int shorts)
{
	sb_adds(sb, "  ");
	if (o->short_name)
		sb_addf(sb, "-%c, ", o->short_name);
	else if (shorts)
		sb_adds(sb, "    ");
	sb_addf(sb, "--%s", o->name);
	if (o->value)
		sb_addf(sb, " %s", o->value);
}

void opt_help(FILE *out, const struct opt *opts)
{
	const struct opt *o;
	struct strbuf sb = STRBUF_INIT;
	size_t width = 0;
	int shorts = 0;
	for (o = opts; o->name; o++)
		shorts |= o->short_name != 0;
	for (o = opts; o->name; o++) {
		sb_reset(&sb);
		opt_synopsis(&sb, o, shorts);
		if (sb.len > width && sb.len <= 26)
			width = sb.len;
	}
	for (o = opts; o->name; o++) {
		const char *h = o->help, *nl;
		sb_reset(&sb);
		opt_synopsis(&sb, o, shorts);
		if (sb.len > width)
			fprintf(out, "%s\n%*s", sb.buf, (int)width, "");
		else
			fprintf(out, "%-*s", (int)width, sb.buf);
		while ((nl = strchr(h, '\n'))) {
			fprintf(out, "  %.*s\n%*s", (int)(nl - h), h, (int)width, "");
			h = nl + 1;
		}
		fprintf(out, "  %s\n", h);
	}
	sb_release(&sb);
}
