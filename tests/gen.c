/*
 * gen.c - deterministic generator of clinic data, for sample-data/ and for
 * the benchmark.  The same arguments always give the same bytes.
 *
 *   gen --clinic DIR                 the sample clinic (patients.csv and
 *                                    sessions-2025-*.csv in DIR)
 *   gen --sessions N --out FILE [--patients FILE]
 *                                    N sessions for the benchmark
 *
 * Each course follows y = c + (b - c) * exp(-(s - 1) / tau) plus noise,
 * rounded to half points, with a profile: responder, slow responder,
 * non-responder or worsening.
 *
 * The sample clinic also has the referral letter's inputs (names, referral
 * reasons and dates, planned sessions, cancelled and no-show appointments,
 * adverse events, a therapists file).  They are drawn from a second random
 * stream, so the scored sessions are the same bytes as without them.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x5eed5eed12345678ULL;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double unif(void)
{
	return (double)(rng() >> 11) / 9007199254740992.0;
}

/* The letter's extras: their own stream, never touching rng_state. */
static uint64_t xrng_state = 0x1e77e4da7a5eedULL;
static int extras; /* 1: write the letter's columns (the sample clinic) */

static double xunif(void)
{
	uint64_t save = rng_state, z;
	rng_state = xrng_state;
	z = rng();
	xrng_state = rng_state;
	rng_state = save;
	return (double)(z >> 11) / 9007199254740992.0;
}

static int xirange(int lo, int hi)
{
	return lo + (int)(xunif() * (hi - lo + 1));
}

static int irange(int lo, int hi)
{
	return lo + (int)(unif() * (hi - lo + 1));
}

static double gauss(void)
{
	double u = unif(), v = unif();
	if (u < 1e-300)
		u = 1e-300;
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static void civil(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static const char *const therapists[] = { "Anna Berg", "Jonas Weber", "Marta Nowak", "Lena Fischer" };
static const char *const indications[] = {
	"post-COVID fatigue", "multiple sclerosis", "chronic stress",
	"tension headache", "low back pain", "neck pain",
};
static const char *const referrers[] = {
	"Dr. Keller (neurology)", "Dr. Hartmann (neurology)", "Dr. Braun (general practice)",
	"Dr. Vogel (orthopaedics)", "Dr. Schulz (psychosomatic medicine)",
};
/* Typical baselines per indication: fatigue, sleep, focus, pain. */
static const double base_by_ind[6][4] = {
	{ 8, 6.5, 7.5, 3 }, { 7.5, 5, 6, 4.5 }, { 6.5, 7.5, 6, 4 },
	{ 5, 5.5, 5.5, 7.5 }, { 4.5, 5, 3.5, 7.5 }, { 4.5, 5, 4, 7 },
};

enum profile { RESPONDER, SLOW, NONE, WORSE };

struct course_plan {
	double b[4], c[4], tau[4];
};

static void plan_course(struct course_plan *p, int ind, enum profile prof)
{
	int m;
	for (m = 0; m < 4; m++) {
		double b = base_by_ind[ind][m] + gauss() * 0.9, drop;
		b = b < 1 ? 1 : b > 10 ? 10 : b;
		switch (prof) {
		case RESPONDER: drop = 0.45 + 0.2 * unif(); p->tau[m] = 1.5 + 2.5 * unif(); break;
		case SLOW: drop = 0.35 + 0.2 * unif(); p->tau[m] = 6 + 6 * unif(); break;
		case NONE: drop = 0.05 * unif(); p->tau[m] = 3; break;
		default: drop = -0.25 - 0.15 * unif(); p->tau[m] = 4 + 3 * unif(); break;
		}
		p->b[m] = b;
		p->c[m] = b * (1 - drop);
		if (p->c[m] > 10)
			p->c[m] = 10;
	}
}

static double score_at(const struct course_plan *p, int m, int s, double noise)
{
	double y = p->c[m] + (p->b[m] - p->c[m]) * exp(-(s - 1) / p->tau[m]) + gauss() * noise;
	y = round(y * 2) / 2;
	return y < 0 ? 0 : y > 10 ? 10 : y;
}

static void put_score(FILE *f, double y, int missing)
{
	if (missing)
		fputs(",", f);
	else if (y == floor(y))
		fprintf(f, ",%d", (int)y);
	else
		fprintf(f, ",%.1f", y);
}

static const char *const notes[] = {
	"", "", "", "", "", "neck and shoulders", "slept better this week",
	"\"better\" says patient", "headache before session, eased after",
	"stressful week at work", "dizziness on standing, reduced",
};

/* Writes a notes cell, quoted as RFC 4180 asks when needed. */
static void put_note(FILE *f, const char *n)
{
	if (!strchr(n, '"') && !strchr(n, ',')) {
		fputs(n, f);
		return;
	}
	fputc('"', f);
	for (; *n; n++) {
		if (*n == '"')
			fputc('"', f);
		fputc(*n, f);
	}
	fputc('"', f);
}

static const char *const first_names[] = {
	"Mara", "Jonte", "Ilka", "Bastian", "Frauke", "Tilo", "Wiebke", "Arne",
	"Svenja", "Malte", "Ronja", "Eike", "Hanne", "Ole", "Greta", "Lasse",
};
static const char *const last_names[] = {
	"Beispiel", "Muster", "Probst", "Lindqvist", "Amsel", "Dorn", "Falk", "Hollmann",
	"Kranich", "Lorenzen", "Mertens", "Nissen", "Ostwald", "Quast", "Reimers", "Sievers",
};
static const char *const reasons[6] = {
	"fatigue, brain fog and poor sleep since a COVID infection",
	"MS-related fatigue and muscle tension",
	"stress-related tension, exhaustion and poor sleep",
	"frequent tension-type headaches",
	"chronic low back pain",
	"neck and shoulder pain",
};
static const char *const adverse[] = {
	"muscle soreness for a day", "headache the evening after the session",
	"tired for the rest of the day", "light-headed for an hour after the session",
};

static void put_date(FILE *f, long day)
{
	int y, mo, d;
	civil(day, &y, &mo, &d);
	fprintf(f, "%04d-%02d-%02d", y, mo, d);
}

/* The patients row's letter columns: name, reason, referral date, planned. */
static void put_patient_extras(FILE *f, int ind, long start)
{
	fprintf(f, ",%s %s,\"%s\",", first_names[xirange(0, 15)], last_names[xirange(0, 15)],
		reasons[ind]);
	put_date(f, start - xirange(7, 35));
	fprintf(f, ",%d\n", 6 + 2 * xirange(0, 3));
}

/* After session row: its attendance and adverse event cells, then now and
 * then a cancelled or no-show appointment the next day (before the next
 * session, which is at least three days later). */
static void put_session_extras(FILE *f, const char *pid, long day, int ther, int last)
{
	double u;
	if (!extras) {
		fputc('\n', f);
		return;
	}
	fputs(",,", f);
	if (xunif() < 0.03)
		fputs(adverse[xirange(0, 3)], f);
	else if (!strcmp(pid, "P041") && day == 20463) /* 2026-01-10: for the golden letter */
		fputs(adverse[0], f);
	fputc('\n', f);
	u = xunif();
	if (last || u >= 0.08)
		return;
	fprintf(f, "%s,", pid);
	put_date(f, day + 1);
	fprintf(f, ",,,,,%s,,%s,\n", therapists[ther], u < 0.05 ? "cancelled" : "no-show");
}

/* Writes one course; returns sessions written.  Dates from 'start'. */
static int write_course(FILE *f, const char *pid, long start, int nsess, int ind,
			enum profile prof, int ther, double missing_rate, int break_after,
			int break_days)
{
	struct course_plan p;
	long day = start;
	int s, m;
	plan_course(&p, ind, prof);
	for (s = 1; s <= nsess; s++) {
		int y, mo, d, miss[4], nmiss = 0;
		double sc[4];
		civil(day, &y, &mo, &d);
		fprintf(f, "%s,%04d-%02d-%02d", pid, y, mo, d);
		for (m = 0; m < 4; m++) {
			nmiss += miss[m] = unif() < missing_rate;
			sc[m] = score_at(&p, m, s, 0.35);
		}
		if (nmiss == 4)
			miss[0] = 0; /* a session records at least one score */
		for (m = 0; m < 4; m++)
			put_score(f, sc[m], miss[m]);
		fprintf(f, ",%s,", therapists[unif() < 0.9 ? ther : irange(0, 3)]);
		put_note(f, notes[irange(0, 10)]);
		put_session_extras(f, pid, day, ther, s == nsess);
		day += irange(3, 8);
		if (s == break_after)
			day += break_days;
	}
	return nsess;
}

static const char *const header =
	"patient_id,session_date,fatigue,sleep,focus,pain,therapist,notes\n";
static const char *const header_extras =
	"patient_id,session_date,fatigue,sleep,focus,pain,therapist,notes,attendance,adverse_event\n";

static enum profile pick_profile(void)
{
	double u = unif();
	return u < 0.45 ? RESPONDER : u < 0.7 ? SLOW : u < 0.9 ? NONE : WORSE;
}

static int gen_clinic(const char *dir)
{
	char path[4096];
	FILE *pf, *h1, *h2;
	int i;
	long jan2025 = 20089; /* 2025-01-01 */
	snprintf(path, sizeof(path), "%s/patients.csv", dir);
	pf = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/sessions-2025-h1.csv", dir);
	h1 = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/sessions-2025-h2.csv", dir);
	h2 = fopen(path, "w");
	if (!pf || !h1 || !h2) {
		perror("gen");
		return 1;
	}
	extras = 1;
	fputs("patient_id,referrer,indication,birth_year,name,referral_reason,referral_date,"
	      "planned_sessions\n", pf);
	fputs(header_extras, h1);
	fputs(header_extras, h2);
	/*
	 * P001: 35 years old, referred by a neurologist for fatigue, brain fog,
	 * dizziness and insomnia after a mild COVID infection; nine sessions of
	 * steady improvement, a few days' break, five more sessions.
	 */
	fprintf(pf, "P001,%s,%s,%d,Mara Beispiel,\"fatigue, brain fog, dizziness and insomnia "
		"after a mild COVID infection in November 2024\",2025-01-20,14\n",
		referrers[0], indications[0], 2025 - 35);
	{
		static const double y[14][4] = {
			{ 8, 7.5, 8, 3 }, { 7.5, 7, 7.5, 3 }, { 7, 7, 7, 3 }, { 6.5, 6, 6.5, 2.5 },
			{ 6, 6, 6, 2.5 }, { 5.5, 5.5, 5, 2 }, { 5, 5, 5, 2 }, { 5, 4.5, 4.5, 2 },
			{ 4.5, 4.5, 4, 2 }, { 4.5, 4, 4, 2 }, { 4, 4, 3.5, 1.5 }, { 4, 3.5, 3.5, 1.5 },
			{ 3.5, 3.5, 3, 1.5 }, { 3.5, 3.5, 3, 1.5 },
		};
		static const char *const d[14] = {
			"2025-02-03", "2025-02-06", "2025-02-10", "2025-02-13", "2025-02-17",
			"2025-02-20", "2025-02-24", "2025-02-27", "2025-03-03", "2025-03-13",
			"2025-03-17", "2025-03-20", "2025-03-24", "2025-03-27",
		};
		static const char *const n[14] = {
			"fatigue and brain fog since COVID in November; dizziness, insomnia",
			"", "", "dizziness less frequent", "", "", "sleeping through more nights", "",
			"break: patient away 10 days", "", "", "", "", "concentration at work better",
		};
		for (i = 0; i < 14; i++)
		{
			fprintf(h1, "P001,%s,%g,%g,%g,%g,Anna Berg,", d[i], y[i][0], y[i][1],
				y[i][2], y[i][3]);
			put_note(h1, n[i]);
			fputs(",,\n", h1);
			/* the break: an appointment cancelled while the patient was away */
			if (i == 8)
				fputs("P001,2025-03-06,,,,,Anna Berg,patient away,cancelled,\n", h1);
		}
	}
	for (i = 2; i <= 60; i++) {
		char pid[16];
		int ind = irange(0, 5), ther = irange(0, 3), nsess = irange(3, 20);
		long start = jan2025 + irange(0, 150);
		enum profile prof = pick_profile();
		int ref = ind <= 1 ? irange(0, 1) : irange(2, 4);
		double miss = unif() < 0.2 ? 0.08 : 0.0;
		FILE *f = start < jan2025 + 120 ? h1 : h2;
		snprintf(pid, sizeof(pid), "P%03d", i);
		fprintf(pf, "%s,%s,%s,%d", pid, referrers[ref], indications[ind], irange(1950, 2004));
		put_patient_extras(pf, ind, start);
		write_course(f, pid, start, nsess, ind, prof, ther, miss, 0, 0);
		/* Some come back for a second course after a long break. */
		if (unif() < 0.25) {
			long start2 = start + nsess * 6 + irange(100, 160);
			write_course(h2, pid, start2, irange(4, 12), ind,
				     unif() < 0.5 ? RESPONDER : SLOW, ther, miss, 0, 0);
		}
	}
	fclose(pf);
	fclose(h1);
	fclose(h2);
	snprintf(path, sizeof(path), "%s/therapists.csv", dir);
	pf = fopen(path, "w");
	if (!pf) {
		perror("gen");
		return 1;
	}
	fputs("therapist,credentials,email\n"
	      "Anna Berg,certified medical massage therapist,anna.berg@example.org\n"
	      "Jonas Weber,\"physiotherapist, medical massage\",jonas.weber@example.org\n"
	      "Marta Nowak,certified medical massage therapist,marta.nowak@example.org\n"
	      "Lena Fischer,\"massage therapist, lymphatic drainage\",lena.fischer@example.org\n", pf);
	fclose(pf);
	return 0;
}

static int gen_sessions(long n, const char *out, const char *patients)
{
	FILE *f = fopen(out, "w"), *pf = patients ? fopen(patients, "w") : NULL;
	long written = 0, pno = 0;
	if (!f || (patients && !pf)) {
		perror("gen");
		return 1;
	}
	fputs(header, f);
	if (pf)
		fputs("patient_id,referrer,indication,birth_year\n", pf);
	while (written < n) {
		char pid[24];
		int ind = irange(0, 5), ther = irange(0, 3), nsess = irange(3, 20);
		long left = n - written;
		if (nsess > left)
			nsess = (int)left;
		snprintf(pid, sizeof(pid), "B%07ld", ++pno);
		if (pf)
			fprintf(pf, "%s,%s,%s,%d\n", pid, referrers[irange(0, 4)], indications[ind],
				irange(1940, 2005));
		written += write_course(f, pid, 18628 + irange(0, 1500), nsess, ind, pick_profile(),
					ther, 0.02, nsess > 12 ? 9 : 0, irange(5, 30));
	}
	fclose(f);
	if (pf)
		fclose(pf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--clinic"))
		return gen_clinic(argv[2]);
	if ((argc == 5 || argc == 7) && !strcmp(argv[1], "--sessions") && !strcmp(argv[3], "--out"))
		return gen_sessions(atol(argv[2]), argv[4], argc == 7 ? argv[6] : NULL);
	fputs("usage: gen --clinic DIR | gen --sessions N --out FILE [--patients FILE]\n", stderr);
	return 2;
}
