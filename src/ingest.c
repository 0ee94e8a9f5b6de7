/*
 * ingest.c - reads a file with csvin, stores it with store, writes the
 * rejects file.  The rejects file goes to a temporary name and is renamed
 * only after the database commit, so a crash leaves neither half.
 */
#include "ingest.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void write_reject(FILE *fp, long line, const char *reason, const char *raw, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%ld,", line);
	sb_csv_field(&sb, reason, strlen(reason));
	sb_addc(&sb, ',');
	sb_csv_field(&sb, raw, n);
	sb_addc(&sb, '\n');
	fwrite(sb.buf, 1, sb.len, fp);
	sb_release(&sb);
}

int ingest_file(struct store *s, const char *path, const struct ingest_opts *o,
		struct ingest_result *res, struct error *err)
{
	const char *names[CSVIN_MAX_MEASURES];
	struct csvin_reader *r = NULL;
	struct csvin_record rec;
	struct store_ingest_counts *c = &res->counts;
	char *rej_path = NULL, *rej_tmp = NULL;
	FILE *rej = NULL;
	size_t i, nm = store_measure_count(s);
	int rc, ret = -1;
	unsigned long long next_progress = 0;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < nm; i++)
		names[i] = store_measure_name(s, i);
	r = csvin_open(path, NULL, o->kind, names, nm, err);
	if (!r) {
		/* A file that cannot be opened or read as CSV is refused whole. */
		ret = err->code == EXIT_FAILURE_IO ? -1 : 1;
		goto out;
	}
	res->size = csvin_size(r);
	rej_path = o->rejects_path ? xstrdup(o->rejects_path) : xasprintf("%s.rejects.csv", path);
	if (store_ingest_begin(s, path, o->kind == CSVIN_SESSIONS ? "sessions" : "patients", err) < 0)
		goto out;
	while ((rc = csvin_next(r, &rec, err)) == 1) {
		const char *reason = rec.reason;
		enum store_outcome outcome = STORE_STORED;
		c->rows_read++;
		if (!reason) {
			int st = o->kind == CSVIN_SESSIONS
				 ? store_ingest_session(s, &rec.session, rec.line, &outcome, err)
				 : store_ingest_patient(s, &rec.patient, &outcome, err);
			if (st < 0)
				goto fail;
			if (outcome == STORE_STORED)
				c->stored++;
			else if (outcome == STORE_DUPLICATE)
				c->duplicates++;
			else {
				c->conflicts++;
				reason = "conflicts with a stored session of this patient and course "
					 "on this date (different scores); not overwritten";
			}
		} else {
			c->rejected++;
		}
		if (reason) {
			if (!rej && !(rej = fopen_tmp(rej_path, &rej_tmp, err)))
				goto fail;
			if (!ftell(rej))
				fputs("line,reason,raw\n", rej);
			write_reject(rej, rec.line, reason, rec.raw, rec.raw_len);
			if (o->on_reject)
				o->on_reject(o->arg, path, rec.line, reason);
		}
		if (o->progress && csvin_offset(r) >= next_progress) {
			o->progress(o->arg, csvin_offset(r), csvin_size(r));
			next_progress = csvin_offset(r) + (1u << 22);
		}
	}
	if (rc < 0)
		goto fail;
	memcpy(res->sha256, csvin_sha256(r), 65);
	if (rej && ferror(rej)) {
		error_set(err, EXIT_FAILURE_IO, NULL, 0, "cannot write '%s'", rej_tmp);
		goto fail;
	}
	if (store_ingest_commit(s, c, res->size, res->sha256, err) < 0)
		goto fail_nostore;
	if (rej) {
		FILE *fp = rej;
		rej = NULL;
		if (fclose_rename(fp, rej_tmp, rej_path, err) < 0)
			goto out; /* stored, but say that the rejects could not be kept */
		res->rejects_path = rej_path;
		rej_path = NULL;
	}
	ret = 0;
	goto out;
fail:
	store_ingest_rollback(s);
fail_nostore:
	ret = -1;
out:
	if (rej) {
		fclose(rej);
		unlink(rej_tmp);
	}
	free(rej_tmp);
	free(rej_path);
	csvin_free(r);
	return ret;
}

void ingest_result_release(struct ingest_result *res)
{
	free(res->rejects_path);
	res->rejects_path = NULL;
}
