/*
 * util.h - allocation wrappers, growable strings, errors and small helpers
 * shared by every module.  Owns nothing global: every function is pure or
 * works on memory the caller passes in.
 */
#ifndef SYMTREND_UTIL_H
#define SYMTREND_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SYMTREND_VERSION "1.0.0"

/*
 * What kind of error an error is.  Library code says the kind; only main
 * and cmd_* turn a kind into an exit code (cmd.h, cmd_exit_code).
 */
enum error_kind {
	ERR_NONE = 0,
	ERR_INPUT,    /* the input is refused: a bad file, row or name in it */
	ERR_USAGE,    /* the command line or a setting asks for something wrong */
	ERR_IO,       /* a file, folder, the database or a child program failed */
	ERR_BUSY,     /* another run holds the lock */
	ERR_MISSING,  /* a program symtrend uses is not installed (gnuplot) */
	ERR_INTERNAL, /* a limit of symtrend itself */
};

/* Broken invariant: a bug in symtrend, not in the input. */
#define BUG(msg) bug_at(__FILE__, __LINE__, (msg))
void bug_at(const char *file, int line, const char *msg)
	__attribute__((noreturn));

/* Allocation that cannot fail: on exhaustion they report and exit(3). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a malloc'd formatted string; the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow an array of elements of size 'size' so that it holds at least 'need'. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);

/* A growable byte string, always NUL-terminated. */
struct strbuf {
	char *buf;
	size_t len, cap;
	/* Set by sb_to_outfile and sb_to_file: an append-only buffer that hands
	 * what it holds to flush(flush_arg, ...) each time it reaches 64 KiB. */
	void (*flush)(void *arg, const char *data, size_t n);
	void *flush_arg;
};
#define STRBUF_INIT { NULL, 0, 0, NULL, NULL }
void sb_add(struct strbuf *sb, const char *data, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_reset(struct strbuf *sb);
/* Frees the contents and makes 'sb' empty again. */
void sb_release(struct strbuf *sb);
/* Returns the buffer (caller frees) and leaves 'sb' empty. */
char *sb_detach(struct strbuf *sb);
/*
 * Output too big to hold (the clinic report of a large database): from now
 * on 'sb' keeps at most about 64 KiB and passes the rest on, to an outfile
 * or to a stdio file; its writer only appends.  sb_flush passes on what it
 * still holds (before the outfile is committed or the file read back).
 */
struct outfile;
void sb_to_outfile(struct strbuf *sb, struct outfile *of);
void sb_to_file(struct strbuf *sb, FILE *f);
void sb_flush(struct strbuf *sb);

/*
 * An error from a lower layer: where (file and line when it concerns input)
 * and why.  Filled by library code, printed only by main and cmd_*.
 */
struct error {
	char *file;   /* input file or NULL */
	long line;    /* 1-based line, 0 when not about a line */
	char *reason; /* human-readable, lowercase, no trailing full stop */
	enum error_kind kind;
};
#define ERROR_INIT { NULL, 0, NULL, ERR_NONE }
void error_set(struct error *e, enum error_kind kind, const char *file, long line,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void error_release(struct error *e);
/* Formats "file:line: reason" into a new string (caller frees). */
char *error_format(const struct error *e);

/* SHA-256 of a byte stream. */
struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char block[64];
	size_t fill;
};
void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Writes 64 lowercase hex digits and a NUL into out. */
void sha256_hex(struct sha256 *s, char out[65]);
/* HMAC-SHA-256 (RFC 2104) of msg under key: 64 lowercase hex digits and a NUL. */
void hmac_sha256_hex(const void *key, size_t klen, const void *msg, size_t n, char out[65]);

/* Appends the whole file to 'out'; 0, or -1 with errno. */
int read_file(const char *path, struct strbuf *out);
/* SHA-256 of the rest of an open file into out (64 hex digits), which is
 * then back at its start; 0 or -1 with errno. */
int sha256_stream(FILE *f, char out[65]);

/*
 * Dates as days since 1970-01-01 (negative before it): 0 and *days set, or
 * -1 when 's' is not a real YYYY-MM-DD from 1900 on.
 */
int date_parse(const char *s, size_t n, long *days);
void date_format(long days, char out[11]);

/*
 * Parses a score: digits with an optional decimal point (at most 6
 * decimals), 0..10.  Returns 0
 * and sets *v, or -1 (not a number as the contract defines it), or -2 (out
 * of range).
 */
int score_parse(const char *s, size_t n, double *v);

/* 1 when 's' is valid UTF-8 without control characters; with 'allow_newlines'
 * also with newline, carriage return and tab. */
int text_is_clean(const char *s, size_t n, int allow_newlines);
/*
 * Characters that change how text reads without being seen, by their
 * Unicode properties (libutf8proc): flags choose what text_check looks for.
 */
enum text_flags {
	TEXT_BIDI = 1,      /* bidi embedding, override or isolate (U+202A-E, U+2066-9):
			       reverses what is shown after it */
	TEXT_INVISIBLE = 2, /* format or default-ignorable (U+200B zero width space,
			       U+00AD soft hyphen, U+FEFF, U+2060 ...) */
	TEXT_SPACES = 4,    /* a space other than U+0020 (U+00A0, U+3000 ...), a line
			       or paragraph separator */
	TEXT_JOINERS_OK = 8, /* with TEXT_INVISIBLE: U+200C/U+200D, which some
			       scripts need inside words, are allowed */
};
/*
 * Looks through valid UTF-8 for the characters 'flags' names: returns the
 * flag of the first one found (its code point in *cp), or 0.
 */
int text_check(const char *s, size_t n, int flags, long *cp);
/*
 * NFKC of valid UTF-8 (compatibility forms folded: full-width 'Ｐ' is 'P',
 * U+00A0 is a space, decomposed accents are composed): a new string
 * (caller frees), or NULL when 's' holds a code point Unicode does not
 * assign.  ASCII is returned as it is, without a pass through the library.
 */
char *text_nfkc(const char *s, size_t n);
/* Number of UTF-8 code points in a valid UTF-8 string. */
size_t utf8_len(const char *s, size_t n);
/* Terminal columns of s[0..n): East Asian wide characters take two,
 * combining marks none (utf8proc_charwidth). */
size_t utf8_width(const char *s, size_t n);
/* Bytes of s[0..n) that fit in 'width' columns (whole characters). */
size_t utf8_fit(const char *s, size_t n, size_t width);
/*
 * Appends 's' (a file name, an id, a message) printable on one line, for a
 * terminal, a log or a summary: a backslash, control characters, bytes that
 * are not UTF-8 and invisible characters that reorder or hide text become
 * escapes (\\, \n, \t, \r, \x1b, \u202e), so a name can neither forge a
 * line nor drive a terminal.  Every name symtrend prints goes through it.
 */
void sb_add_escaped(struct strbuf *sb, const char *s);
/* sb_add_escaped as a new string (caller frees). */
char *str_escaped(const char *s);

/* Write 'n' bytes to a new file 'path' mode 0600 via a temporary
 * ('path.tmp.PID-XXXXXX', made as mkstemp does: unique, 0600) and rename. */
int write_file_atomic(const char *path, const char *data, size_t n,
		      struct error *err);
/* Syncs the folder that holds 'path', so that a rename into it (or a new
 * name in it) survives a power cut; 0 or -1 with errno. */
int fsync_dir_of(const char *path);
/*
 * Temporary files are named 'path.tmp.PID-...' (write_file_atomic, outfile,
 * charts): removes the ones beside 'path' that a killed process left (its
 * PID runs no more), so a crash leaves nothing behind for long.
 */
void tmp_sweep(const char *path);
/* mkdir -p with mode 0700 for each created component; 0 or -1 with errno. */
int mkdir_p(const char *path);
/*
 * A folder of symtrend's own (a patient's, the clinic's, a night's): mkdir_p,
 * then the folder itself made private: mode 0700 when it existed with
 * another, and a symbolic link in its place replaced by a new folder (the
 * link removed, never followed; its target untouched).  0 or -1 with errno.
 */
int mkdir_private(const char *path);


/* A folder name for an id: the id when it is made of safe characters, else
 * a safe rendering plus a hash, so different ids never share a folder
 * (caller frees). */
char *safe_dirname(const char *id);
/* Appends 's' HTML-escaped: markup and quotes as entities, control
 * characters other than newline and tab as '?'. */
void html_escape(struct strbuf *sb, const char *s);
/*
 * 1 when a spreadsheet would read a cell starting like 's' as a formula
 * (= + - @, or a tab or CR before one): every CSV output of symtrend writes
 * such a cell quoted with a leading apostrophe.
 */
int csv_is_formula(const char *s, size_t n);
/* Appends 's' as one RFC 4180 CSV field (quoted when needed; a formula
 * gets a leading apostrophe, see csv_is_formula). */
void sb_csv_field(struct strbuf *sb, const char *s, size_t n);
/*
 * A file written through a temporary name: outfile_open creates
 * 'path.tmp.PID-XXXXXX' as mkstemp does (unique, mode 0600), outfile_write buffers, outfile_commit flushes,
 * fsyncs and renames it to 'path' and syncs its folder (so the rename is
 * durable; when that fails, 'path' is removed); outfile_abort removes it.  Both end the
 * outfile.  Every failed write is reported by outfile_commit.
 */
struct outfile {
	int fd;
	char *path, *tmp;
	struct strbuf buf;
	int failed; /* errno of the first failed write, or 0 */
};
int outfile_open(struct outfile *of, const char *path, struct error *err);
void outfile_write(struct outfile *of, const char *data, size_t n);
int outfile_commit(struct outfile *of, struct error *err);
void outfile_abort(struct outfile *of);
/* A scratch file for 'path' (health data): created as 'path.tmp.PID-XXXXXX'
 * (mode 0600), unlinked at once, open for writing and reading back; NULL
 * with err.  Nothing of it is left once it is closed or the process ends. */
FILE *tmp_spool(const char *path, struct error *err);
#endif
