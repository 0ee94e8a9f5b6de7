/*
 * plot.c - see plot.h.  The process is started as git's run-command does
 * it: fork, exec without a shell, an O_CLOEXEC pipe to learn whether exec
 * itself failed, and the exit status checked at the end.
 */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct plot {
	pid_t pid;
	int fd; /* gnuplot's standard input */
	struct sigaction old_pipe;
};

/* Chart files under temporary names ---------------------------------------
 * gnuplot writes each chart to 'BASE.EXT.tmp.TOKEN', TOKEN this process's
 * pid and random bits: runs writing into one folder at once never share a
 * temporary file, no other user can guess one, and the ones a killed run
 * left are removed by the next (tmp_sweep).  gnuplot creates them
 * under the umask 077 main sets (0600).  The names handed out and not yet
 * taken back (plot_tmp_path) are kept, so that once every gnuplot of a
 * failed batch has ended none of its files is left behind.
 */
static char tmp_token[48];
static char **pending;          /* NULL where taken back */
static size_t npending, first_pending, cap_pending;
static int running, failed;     /* gnuplot processes alive; one of them failed */

static char *tmp_name(const char *out_base, const char *ext)
{
	if (!*tmp_token) {
		unsigned r;
		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
			r = (unsigned)time(NULL) ^ (unsigned)clock();
		snprintf(tmp_token, sizeof(tmp_token), "%ld-%08x", (long)getpid(), r);
	}
	return xasprintf("%s.%s.tmp.%s", out_base, ext, tmp_token);
}

static void pending_add(const char *out_base, const char *ext, const char *path)
{
	char *final = xasprintf("%s.%s", out_base, ext);
	tmp_sweep(final); /* what a killed run left */
	free(final);
	pending = xgrow(pending, &cap_pending, npending + 1, sizeof(*pending));
	pending[npending++] = xstrdup(path);
}

static void pending_clear(int remove)
{
	size_t i;
	for (i = first_pending; i < npending; i++) {
		if (pending[i] && remove)
			unlink(pending[i]);
		free(pending[i]);
	}
	free(pending);
	pending = NULL;
	npending = first_pending = cap_pending = 0;
}

char *plot_tmp_path(const char *out_base, const char *ext)
{
	char *path = tmp_name(out_base, ext);
	size_t i;
	/* Taken back in the order they were made, mostly: search from the first. */
	for (i = first_pending; i < npending; i++) {
		if (pending[i] && !strcmp(pending[i], path)) {
			free(pending[i]);
			pending[i] = NULL;
			break;
		}
	}
	while (first_pending < npending && !pending[first_pending])
		first_pending++;
	if (first_pending == npending)
		pending_clear(0);
	return path;
}

/*
 * The child's side of plot_start: the script from the pipe 'in', standard
 * output to /dev/null, gnuplot's messages to errlog.  A failed exec sends
 * its errno back through 'status'; a successful one closes it (O_CLOEXEC).
 */
static _Noreturn void child_exec(const char *prog, const char *errlog, int in, int status,
				 pid_t parent)
{
	int e, null, log;
	/* The script as a file argument: gnuplot reads a file through stdio's
	 * buffer, but its standard input a byte per read() call. */
	char *argv[] = { (char *)prog, (char *)"/dev/stdin", NULL };
	/* Dies with symtrend: a killed run's gnuplot must not go on writing
	 * charts (under the dead run's temporary names) while the next runs. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
	null = open("/dev/null", O_WRONLY);
	log = open(errlog, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	if (dup2(in, 0) < 0 || null < 0 || dup2(null, 1) < 0 ||
	    dup2(log >= 0 ? log : null, 2) < 0)
		_exit(127);
	execvp(prog, argv);
	e = errno;
	if (write(status, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Whether the child's exec failed: it wrote its errno to 'status' (then it is
 * reaped here) instead of closing it by exec'ing. */
static int exec_failed(pid_t pid, int status, int *child_errno)
{
	ssize_t r;
	do
		r = read(status, child_errno, sizeof(*child_errno));
	while (r < 0 && errno == EINTR);
	close(status);
	if (r > 0)
		waitpid(pid, NULL, 0);
	return r > 0;
}

struct plot *plot_start(const char *errlog, struct error *err)
{
	const char *prog = getenv("SYMTREND_GNUPLOT");
	int in[2], status[2], child_errno = 0;
	struct plot *p;
	struct sigaction ign;
	pid_t pid, parent;
	if (!prog || !*prog)
		prog = "gnuplot";
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(status, O_CLOEXEC) != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot start gnuplot: %s", strerror(errno));
		return NULL;
	}
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot start gnuplot: %s", strerror(errno));
		close(in[0]); close(in[1]); close(status[0]); close(status[1]);
		return NULL;
	}
	if (pid == 0)
		child_exec(prog, errlog, in[0], status[1], parent);
	close(in[0]);
	close(status[1]);
	if (exec_failed(pid, status[0], &child_errno)) {
		close(in[1]);
		error_set(err, child_errno == ENOENT ? ERR_MISSING : ERR_IO, NULL, 0,
			  "cannot run '%s': %s", prog, strerror(child_errno));
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	running++;
	p->pid = pid;
	p->fd = in[1];
	/* A gnuplot that dies must give us EPIPE, not kill us. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &p->old_pipe);
	return p;
}

int plot_send(struct plot *p, const struct strbuf *script, struct error *err)
{
	size_t off = 0;
	while (off < script->len) {
		ssize_t w = write(p->fd, script->buf + off, script->len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			error_set(err, ERR_IO, NULL, 0, "cannot write to gnuplot: %s",
				  strerror(errno));
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

int plot_finish(struct plot *p, struct error *err)
{
	int st = 0, ret = 0;
	close(p->fd);
	while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGPIPE, &p->old_pipe, NULL);
	if (WIFSIGNALED(st)) {
		error_set(err, ERR_IO, NULL, 0, "gnuplot died of signal %d", WTERMSIG(st));
		ret = -1;
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		error_set(err, ERR_IO, NULL, 0, "gnuplot failed (exit status %d)",
			  WEXITSTATUS(st));
		ret = -1;
	}
	free(p);
	failed |= ret < 0;
	if (--running == 0 && failed) {
		pending_clear(1);
		failed = 0;
	}
	return ret;
}

/* How many gnuplot processes a batch of n charts gets: one per core, and
 * at least four charts each (a process costs a start-up). */
static size_t plot_procs(size_t n)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k = cores > 0 ? (size_t)cores : 1;
	if (k > PLOT_MAX_PROCS)
		k = PLOT_MAX_PROCS;
	while (k > 1 && n / k < 4)
		k--;
	return k;
}

/* Writes parts[i] to p[i] for all i at once, as each pipe takes it. */
static int feed_all(struct plot **p, const char **buf, size_t *left, size_t k, struct error *err)
{
	struct pollfd fds[PLOT_MAX_PROCS];
	size_t i, busy = 0;
	for (i = 0; i < k; i++) {
		fcntl(p[i]->fd, F_SETFL, fcntl(p[i]->fd, F_GETFL) | O_NONBLOCK);
		busy += left[i] > 0;
	}
	while (busy) {
		for (i = 0; i < k; i++) {
			fds[i].fd = left[i] ? p[i]->fd : -1;
			fds[i].events = POLLOUT;
			fds[i].revents = 0;
		}
		if (poll(fds, (nfds_t)k, -1) < 0) {
			if (errno == EINTR)
				continue;
			error_set(err, ERR_IO, NULL, 0, "cannot write to gnuplot: %s",
				  strerror(errno));
			return -1;
		}
		for (i = 0; i < k; i++) {
			ssize_t w;
			if (!left[i] || !fds[i].revents)
				continue;
			w = write(p[i]->fd, buf[i], left[i]);
			if (w < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (w < 0) {
				error_set(err, ERR_IO, NULL, 0, "cannot write to gnuplot: %s",
					  strerror(errno));
				return -1;
			}
			buf[i] += w;
			left[i] -= (size_t)w;
			busy -= left[i] == 0;
		}
	}
	return 0;
}

int plot_draw(struct plot *first, const char *errlog, const struct strbuf *script,
	      const size_t *ends, size_t n, struct error *err)
{
	struct plot *p[PLOT_MAX_PROCS] = { first };
	const char *buf[PLOT_MAX_PROCS];
	size_t left[PLOT_MAX_PROCS], k = errlog ? plot_procs(n) : 1, i, from = 0;
	int rc = 0;
	/* Each chart's script stands alone: process i draws the i-th run of charts. */
	for (i = 1; i < k; i++) {
		char *log = xasprintf("%s.%zu", errlog, i + 1);
		struct error e2 = ERROR_INIT;
		p[i] = plot_start(log, &e2);
		error_release(&e2);
		free(log);
		if (!p[i])
			break;
	}
	k = i;
	for (i = 0; i < k; i++) {
		size_t to = i + 1 == k ? script->len : ends[n * (i + 1) / k - 1];
		buf[i] = script->buf + from;
		left[i] = to - from;
		from = to;
	}
	if (feed_all(p, buf, left, k, err) < 0)
		rc = -1;
	for (i = k; i-- > 0;) {
		struct error ignored = ERROR_INIT;
		if (plot_finish(p[i], rc < 0 ? &ignored : err) < 0)
			rc = -1;
		error_release(&ignored);
		if (i > 0 && rc == 0) {
			char *log = xasprintf("%s.%zu", errlog, i + 1);
			unlink(log);
			free(log);
		}
	}
	return rc;
}

/* Text ------------------------------------------------------------------------
 * Every string that reaches gnuplot goes through this section, and only here.
 * In a single-quoted string gnuplot substitutes nothing (no `command`, no
 * @macro, no backslash escape): a doubled quote is the only escape, so the
 * text is shown as given.  A line break would end the command: control
 * characters become '?'.  Titles, labels and key entries are 'noenhanced',
 * so {}, @, ^, _, & and ~ are not markup.  A tic label is a printf format
 * to gnuplot ("Bad format character" for "100%"), so there % is doubled,
 * and gnuplot cuts a formatted tic label at TIC_MAX bytes: a longer one is
 * shortened here, at a character boundary, and ends in an ellipsis.
 */
#define TIC_MAX 49

static void quote_body(struct strbuf *sb, const char *s, int tic)
{
	size_t max = (size_t)-1, used = 0;
	if (tic && strchr(s, '%') && strlen(s) > TIC_MAX) /* each byte shows as one */
		max = TIC_MAX - 3; /* room for the ellipsis */
	sb_addc(sb, '\'');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t clen = 1;
		if (c >= 0xc0) /* a UTF-8 lead byte: the whole character or none */
			while ((((unsigned char)s[clen]) & 0xc0) == 0x80)
				clen++;
		if (used + clen > max) {
			sb_adds(sb, "\xe2\x80\xa6");
			break;
		}
		used += clen;
		if (c == '\'')
			sb_adds(sb, "''");
		else if (c == '%' && tic)
			sb_adds(sb, "%%");
		else if (c < 0x20 || c == 0x7f)
			sb_addc(sb, '?');
		else if (c >= 0xc0) {
			sb_add(sb, s, clen);
			s += clen - 1;
		} else
			sb_addc(sb, (char)c);
	}
	sb_addc(sb, '\'');
}

void plot_quote(struct strbuf *sb, const char *s)
{
	quote_body(sb, s ? s : "", 0);
}

void plot_text(struct strbuf *sb, const char *s)
{
	quote_body(sb, s ? s : "", 0);
	sb_adds(sb, " noenhanced");
}

/* "set xtics ('label' 0, ...)": category names at 0, 1, ... n-1. */
static void tic_labels(struct strbuf *sb, const char *const *labels, size_t n)
{
	size_t k;
	sb_adds(sb, "set xtics (");
	for (k = 0; k < n; k++) {
		if (k)
			sb_adds(sb, ", ");
		quote_body(sb, labels && labels[k] ? labels[k] : "", 1);
		sb_addf(sb, " %zu", k);
	}
	sb_adds(sb, ") noenhanced\n");
}

/* "set title '...'" for one panel. */
static void panel_title(struct strbuf *sb, const char *title)
{
	sb_adds(sb, "set title ");
	plot_text(sb, title);
	sb_addc(sb, '\n');
}

static void num(struct strbuf *sb, double v)
{
	sb_addf(sb, "%.10g", isfinite(v) ? v : 0.0);
}

static void datablock(struct strbuf *sb, const char *name, size_t n, const double *a,
		      const double *b, const double *c, const double *d)
{
	size_t i;
	sb_addf(sb, "$%s << EOD\n", name);
	for (i = 0; i < n; i++) {
		sb_addf(sb, "%zu ", i);
		num(sb, a[i]);
		if (b) { sb_addc(sb, ' '); num(sb, b[i]); }
		if (c) { sb_addc(sb, ' '); num(sb, c[i]); }
		if (d) { sb_addc(sb, ' '); num(sb, d[i]); }
		sb_addc(sb, '\n');
	}
	sb_adds(sb, "EOD\n");
}

/* The letter's charts (course, episode), printed across an A4 page in
 * note.pdf (493 pt for 900 units): their smallest text, 15 units, prints at
 * 8.2 pt.  One key for all panels in a strip the layout leaves under them:
 * a key in every panel at that size would hide its scores. */
#define COURSE_TERM "set terminal svg size 900,620 dynamic font 'Sans,15' background '#ffffff'\n"
#define COURSE_TITLE_FONT "Sans,17"
#define COURSE_LAYOUT " margins 0.09,0.98,0.26,0.86 spacing 0.10,0.19"
/* The dated panels' tick labels are turned: more room under and beside them. */
#define EPISODE_LAYOUT " margins 0.09,0.95,0.30,0.83 spacing 0.14,0.22"
#define COURSE_KEY "set key at screen 0.5,0.065 center center vertical maxrows 3 " \
	"samplen 2.5 width 1 box\n"

static void two_terminals_svg(struct strbuf *sb, const char *out_base, const char *title,
			      const struct strbuf *body, int multiplot, int rows, int cols,
			      unsigned formats, const char *svg_term, const char *title_font,
			      const char *layout_opts);

/* Emits 'body' once per format asked (PLOT_SVG, PLOT_PNG), each to a temporary name. */
static void two_terminals(struct strbuf *sb, const char *out_base, const char *title,
			  const struct strbuf *body, int multiplot, int rows, int cols,
			  unsigned formats)
{
	two_terminals_svg(sb, out_base, title, body, multiplot, rows, cols, formats,
			  "set terminal svg size 900,680 dynamic font 'Sans,11' background '#ffffff'\n",
			  "Sans,13", "");
}

/* The same with the SVG terminal's line given. */
static void two_terminals_svg(struct strbuf *sb, const char *out_base, const char *title,
			      const struct strbuf *body, int multiplot, int rows, int cols,
			      unsigned formats, const char *svg_term, const char *title_font,
			      const char *layout_opts)
{
	const char *const term[2] = {
		svg_term,
		"set terminal pngcairo size 1000,750 font 'Sans,10' background '#ffffff'\n",
	};
	static const char *const ext[2] = { "svg", "png" };
	int i;
	for (i = 0; i < 2; i++) {
		char *path;
		if (!(formats & (1u << i)))
			continue;
		path = tmp_name(out_base, ext[i]);
		sb_adds(sb, "reset\n");
		sb_adds(sb, term[i]);
		sb_adds(sb, "set termoption noenhanced\nset encoding utf8\n");
		sb_adds(sb, "set output ");
		plot_quote(sb, path);
		sb_addc(sb, '\n');
		pending_add(out_base, ext[i], path);
		free(path);
		sb_adds(sb, "set grid lc rgb '#cccccc'\nset key top right box opaque\n");
		if (multiplot) {
			sb_addf(sb, "set multiplot layout %d,%d%s title ", rows, cols, layout_opts);
			plot_text(sb, title);
			sb_addf(sb, " font '%s'\n", title_font);
		} else {
			sb_adds(sb, "set title ");
			plot_text(sb, title);
			sb_addf(sb, " font '%s'\n", title_font);
		}
		sb_add(sb, body->buf, body->len);
		if (multiplot)
			sb_adds(sb, "unset multiplot\n");
		sb_adds(sb, "set output\n");
	}
}

static void layout(size_t n, int *rows, int *cols)
{
	*cols = n > 1 ? 2 : 1;
	*rows = (int)((n + 1) / 2);
	if (*rows < 1)
		*rows = 1;
}

/* Line styles that stay apart in greyscale: dark colours, distinct dashes
 * and points.  ink[] holds their colours alone (gnuplot refuses a second
 * 'pt' after a style's own). */
#define INK0 "'#1b3a6b'"
#define INK1 "'#8a1c1c'"
#define INK2 "'#2d6a2d'"
#define INK3 "'#5a3d7a'"
#define INK4 "'#7a5a00'"
#define INK5 "'#000000'"
static const char *const style[] = {
	"lc rgb " INK0 " dt 1 pt 7", "lc rgb " INK1 " dt 2 pt 5",
	"lc rgb " INK2 " dt 4 pt 9", "lc rgb " INK3 " dt 5 pt 11",
	"lc rgb " INK4 " dt 3 pt 13", "lc rgb " INK5 " dt 6 pt 4",
};
static const char *const ink[] = { INK0, INK1, INK2, INK3, INK4, INK5 };
#define STYLE(i) style[(i) % (sizeof(style) / sizeof(style[0]))]
#define INK(i) ink[(i) % (sizeof(ink) / sizeof(ink[0]))]

/* The last session over all panels: every panel shares one x axis. */
static double course_xmax(const struct plot_panel *panels, size_t npanels)
{
	size_t i, k;
	double xmax = 1;
	for (i = 0; i < npanels; i++)
		for (k = 0; k < panels[i].n; k++)
			xmax = panels[i].x[k] > xmax ? panels[i].x[k] : xmax;
	return xmax;
}

/* A course panel's frame: title, axes, key, the MCID band under the
 * baseline and a dotted line at each break. */
static void course_frame(struct strbuf *body, const struct plot_panel *p, size_t i, double xmax,
			 const double *breaks, size_t nbreaks)
{
	size_t k;
	panel_title(body, p->name);
	sb_addf(body, "set xrange [0.5:%g]\nset yrange [0:10]\n", xmax + 0.5);
	sb_adds(body, "set xlabel 'session number'\nset ylabel 'score (0-10, lower is better)'\n");
	/* One key for all panels, under them (the layout leaves the strip): at
	 * a size still legible printed (8 pt on A4, note.pdf) a key in every
	 * panel would hide its scores. */
	sb_adds(body, "set xtics 1\nunset object\nunset arrow\n");
	sb_adds(body, i == 0 ? COURSE_KEY : "unset key\n");
	if (isfinite(p->baseline) && isfinite(p->mcid)) {
		sb_adds(body, "set object 1 rect from graph 0, first ");
		num(body, p->baseline - p->mcid);
		sb_adds(body, " to graph 1, first ");
		num(body, p->baseline);
		sb_adds(body, " fc rgb '#e4e4e4' fs solid 1.0 noborder behind\n");
	}
	for (k = 0; k < nbreaks; k++) {
		sb_adds(body, "set arrow from ");
		num(body, breaks[k]);
		sb_adds(body, ", graph 0 to ");
		num(body, breaks[k]);
		sb_adds(body, ", graph 1 nohead dt 3 lw 2 lc rgb '#444444'\n");
	}
}

/* The plateau fit c + (b - c) exp(-(x - 1) / tau) as a plot term. */
static void plateau_curve(struct strbuf *body, const struct plot_panel *p)
{
	sb_adds(body, ", [1:*] ");
	num(body, p->c);
	sb_adds(body, " + (");
	num(body, p->b);
	sb_adds(body, " - ");
	num(body, p->c);
	sb_adds(body, ") * exp(-(x - 1) / ");
	num(body, p->tau);
	sb_adds(body, ") with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit'");
}

/* Panel i's plot command: key entries for the band and the breaks drawn by
 * course_frame, then the scores, the plateau fit and the expected course. */
static void course_plot(struct strbuf *body, const struct plot_panel *p, size_t i,
			size_t nbreaks)
{
	char name[32];
	sb_adds(body, "plot ");
	if (isfinite(p->baseline) && isfinite(p->mcid))
		sb_adds(body, "NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', ");
	if (nbreaks)
		sb_adds(body, "NaN with lines dt 3 lw 2 lc rgb '#444444' title 'pause', ");
	if (p->n) {
		snprintf(name, sizeof(name), "M%zu", i);
		sb_addf(body, "$%s using 2:3 with linespoints lw 2 %s title 'score'", name, STYLE(0));
	} else {
		sb_adds(body, "NaN title 'not recorded'");
	}
	if (isfinite(p->c))
		plateau_curve(body, p);
	if (p->ex && p->en) {
		snprintf(name, sizeof(name), "E%zu", i);
		sb_addf(body, ", $%s using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected from first score'", name);
		if (p->fy)
			sb_addf(body, ", $%s using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'", name);
	}
	sb_addc(body, '\n');
}

void plot_script_course(struct strbuf *sb, const char *out_base, const char *title,
			const struct plot_panel *panels, size_t npanels,
			const double *breaks, size_t nbreaks, unsigned formats)
{
	struct strbuf body = STRBUF_INIT;
	size_t i;
	double xmax = course_xmax(panels, npanels);
	int rows, cols;
	for (i = 0; i < npanels; i++) {
		const struct plot_panel *p = &panels[i];
		char name[32];
		snprintf(name, sizeof(name), "M%zu", i);
		if (p->n)
			datablock(&body, name, p->n, p->x, p->y, NULL, NULL);
		if (p->ex && p->en) {
			snprintf(name, sizeof(name), "E%zu", i);
			datablock(&body, name, p->en, p->ex, p->ey, p->fy, NULL);
		}
		course_frame(&body, p, i, xmax, breaks, nbreaks);
		course_plot(&body, p, i, nbreaks);
	}
	layout(npanels, &rows, &cols);
	/* Printed across an A4 page (note.pdf, 493 pt for 900 units) its
	 * smallest text is still 8 pt: 15 units at 0.548 pt a unit. */
	two_terminals_svg(sb, out_base, title, &body, 1, rows, cols, formats, COURSE_TERM,
			  COURSE_TITLE_FONT, COURSE_LAYOUT);
	sb_release(&body);
}

/* The dated scores as one block, a blank line between courses (gnuplot
 * draws no line across it); x in seconds for the time axis. */
static void dated_block(struct strbuf *sb, const char *name, const struct plot_dated *p)
{
	size_t i;
	sb_addf(sb, "$%s << EOD\n", name);
	for (i = 0; i < p->n; i++) {
		if (i && p->course[i] != p->course[i - 1])
			sb_addc(sb, '\n');
		num(sb, p->day[i] * 86400.0);
		sb_addc(sb, ' ');
		num(sb, p->y[i]);
		sb_addc(sb, '\n');
	}
	sb_adds(sb, "EOD\n");
}

/* A dated panel's frame: the time axis, the shaded breaks, the starts. */
static void dated_frame(struct strbuf *body, const struct plot_dated *p, size_t i,
			const double *breaks, size_t nbreaks, const double *starts, size_t nstarts)
{
	size_t k;
	panel_title(body, p->name);
	sb_adds(body, "set xdata time\nset timefmt '%s'\nset format x '%b %y'\n"
		      "set yrange [0:10]\nset xlabel 'date'\n"
		      "set ylabel 'score (0-10, lower is better)'\nunset object\nunset arrow\n"
		      "set xtics rotate by -30\n");
	/* One key under the panels, as the course chart's (COURSE_LAYOUT). */
	sb_adds(body, i == 0 ? COURSE_KEY : "unset key\n");
	for (k = 0; k < nbreaks; k++) {
		sb_addf(body, "set object %zu rect from first ", k + 1);
		num(body, breaks[2 * k] * 86400.0);
		sb_adds(body, ", graph 0 to first ");
		num(body, breaks[2 * k + 1] * 86400.0);
		sb_adds(body, ", graph 1 fc rgb '#e8e8e8' fs solid 1.0 noborder behind\n");
	}
	for (k = 0; k < nstarts; k++) {
		sb_adds(body, "set arrow from first ");
		num(body, starts[k] * 86400.0);
		sb_adds(body, ", graph 0 to first ");
		num(body, starts[k] * 86400.0);
		sb_adds(body, ", graph 1 nohead dt 2 lw 1 lc rgb '#444444'\n");
	}
}

void plot_script_episode(struct strbuf *sb, const char *out_base, const char *title,
			 const struct plot_dated *panels, size_t npanels, const double *breaks,
			 size_t nbreaks, const double *starts, size_t nstarts, unsigned formats)
{
	struct strbuf body = STRBUF_INIT;
	size_t i;
	int rows, cols;
	for (i = 0; i < npanels; i++) {
		const struct plot_dated *p = &panels[i];
		char name[32];
		snprintf(name, sizeof(name), "D%zu", i);
		if (p->n)
			dated_block(&body, name, p);
		dated_frame(&body, p, i, breaks, nbreaks, starts, nstarts);
		sb_adds(&body, "plot ");
		if (nbreaks)
			sb_adds(&body, "NaN with boxes fc rgb '#e8e8e8' fs solid title 'break', ");
		if (nstarts)
			sb_adds(&body, "NaN with lines dt 2 lw 1 lc rgb '#444444' title 'course starts', ");
		if (p->n)
			sb_addf(&body, "$%s using 1:2 with linespoints lw 2 %s title 'score'\n", name,
				STYLE(0));
		else
			sb_adds(&body, "NaN title 'not recorded'\n");
	}
	sb_adds(&body, "set xdata\n");
	layout(npanels, &rows, &cols);
	two_terminals_svg(sb, out_base, title, &body, 1, rows, cols, formats, COURSE_TERM,
			  COURSE_TITLE_FONT, EPISODE_LAYOUT);
	sb_release(&body);
}

void plot_script_means(struct strbuf *sb, const char *out_base, const char *title,
		       const struct plot_band *bands, size_t nbands, unsigned formats)
{
	struct strbuf body = STRBUF_INIT;
	size_t i;
	int rows, cols;
	for (i = 0; i < nbands; i++) {
		const struct plot_band *b = &bands[i];
		char name[32];
		snprintf(name, sizeof(name), "B%zu", i);
		if (b->n)
			datablock(&body, name, b->n, b->x, b->mean, b->lo, b->hi);
		panel_title(&body, b->name);
		sb_adds(&body, "set yrange [0:10]\nset xlabel 'session number'\n"
			       "set ylabel 'mean score (0-10)'\n");
		if (b->n)
			sb_addf(&body, "plot $%s using 2:4:5 with filledcurves fc rgb '#cfcfcf' fs solid 1.0 "
				       "title '95%% interval', $%s using 2:3 with linespoints lw 2 %s "
				       "title 'mean'\n", name, name, STYLE(0));
		else
			sb_adds(&body, "plot NaN title 'no data'\n");
	}
	layout(nbands, &rows, &cols);
	two_terminals(sb, out_base, title, &body, 1, rows, cols, formats);
	sb_release(&body);
}

/*
 * The waterfall's sorted values as an area: only the two ends of each run of
 * equal values, which draws the same outline with a point per distinct
 * change instead of one per course (scores move in half points, so a
 * clinic's 100,000 courses have a few dozen distinct changes).
 */
static void waterfall_block(struct strbuf *sb, const char *name, const struct plot_bars *b)
{
	size_t i, j, at = 0;
	sb_addf(sb, "$%s << EOD\n", name);
	for (i = 0; i < b->n; i = j) {
		size_t len = b->count ? (size_t)b->count[i] : 1;
		for (j = i + 1; j < b->n && b->v[j] == b->v[i]; j++)
			len += b->count ? (size_t)b->count[j] : 1;
		sb_addf(sb, "%zu ", at);
		num(sb, b->v[i]);
		sb_addc(sb, '\n');
		if (len > 1) {
			sb_addf(sb, "%zu ", at + len - 1);
			num(sb, b->v[i]);
			sb_addc(sb, '\n');
		}
		at += len;
	}
	sb_adds(sb, "EOD\n");
}

/* The courses of a waterfall panel. */
static size_t bars_courses(const struct plot_bars *b)
{
	size_t i, n = 0;
	if (!b->count)
		return b->n;
	for (i = 0; i < b->n; i++)
		n += (size_t)b->count[i];
	return n;
}

/* A few hundred courses or fewer: a bar each. */
static void waterfall_bars(struct strbuf *sb, const char *name, const struct plot_bars *b,
			   size_t courses)
{
	double *v;
	size_t i, k = 0;
	long c;
	if (!b->count) {
		datablock(sb, name, b->n, b->v, NULL, NULL, NULL);
		return;
	}
	v = xmalloc(courses * sizeof(*v));
	for (i = 0; i < b->n; i++)
		for (c = 0; c < b->count[i]; c++)
			v[k++] = b->v[i];
	datablock(sb, name, k, v, NULL, NULL, NULL);
	free(v);
}

void plot_script_waterfall(struct strbuf *sb, const char *out_base, const char *title,
			   const struct plot_bars *bars, size_t nbars, unsigned formats)
{
	struct strbuf body = STRBUF_INIT;
	size_t i;
	int rows, cols;
	for (i = 0; i < nbars; i++) {
		const struct plot_bars *b = &bars[i];
		size_t courses = bars_courses(b);
		char name[32];
		snprintf(name, sizeof(name), "W%zu", i);
		if (courses > 400)
			waterfall_block(&body, name, b);
		else if (courses)
			waterfall_bars(&body, name, b, courses);
		panel_title(&body, b->name);
		sb_adds(&body, "set xlabel 'courses, sorted by change'\n"
			       "set ylabel 'change, latest - baseline (points)'\n"
			       "set yrange [-10:10]\nset xtics format ''\nset style fill solid 1.0\n"
			       "set boxwidth 0.8 relative\nunset arrow\n");
		if (isfinite(b->line)) {
			sb_adds(&body, "set arrow from graph 0, first ");
			num(&body, b->line);
			sb_adds(&body, " to graph 1, first ");
			num(&body, b->line);
			sb_adds(&body, " nohead dt 2 lw 2 lc rgb '#000000'\n");
		}
		/* Beyond a few hundred courses bars merge anyway: draw the area. */
		if (courses)
			sb_addf(&body, "plot $%s using 1:2 with %s lc rgb '#3d5a80' title 'change', "
				       "NaN with lines dt 2 lw 2 lc rgb '#000000' title 'minus MCID'\n", name,
				courses > 400 ? "filledcurves y1=0" : "boxes");
		else
			sb_adds(&body, "plot NaN title 'no courses'\n");
		sb_adds(&body, "set xtics format '%g'\n");
	}
	layout(nbars, &rows, &cols);
	two_terminals(sb, out_base, title, &body, 1, rows, cols, formats);
	sb_release(&body);
}

void plot_script_rates(struct strbuf *sb, const char *out_base, const char *title,
		       const struct plot_bars *bars, size_t nbars, unsigned formats)
{
	struct strbuf body = STRBUF_INIT;
	size_t i;
	int rows, cols;
	for (i = 0; i < nbars; i++) {
		const struct plot_bars *b = &bars[i];
		char name[32];
		snprintf(name, sizeof(name), "R%zu", i);
		if (b->n)
			datablock(&body, name, b->n, b->v, b->lo, b->hi, NULL);
		panel_title(&body, b->name);
		sb_addf(&body, "set yrange [0:1]\nset xrange [-0.6:%g]\nset ylabel 'responder rate'\n"
			       "unset xlabel\nset style fill solid 1.0 border lc rgb '#000000'\n"
			       "set boxwidth 0.6\nset xtics rotate by -30 scale 0\n",
			(double)b->n - 0.4);
		tic_labels(&body, b->labels, b->n);
		if (b->n)
			sb_addf(&body, "plot $%s using 1:2 with boxes lc rgb '#9fb3c8' title 'rate', "
				       "$%s using 1:2:3:4 with yerrorbars lc rgb '#000000' pt 0 lw 2 "
				       "title 'Wilson 95%% interval'\n", name, name);
		else
			sb_adds(&body, "plot NaN title 'no courses'\n");
	}
	layout(nbars, &rows, &cols);
	two_terminals(sb, out_base, title, &body, 1, rows, cols, formats);
	sb_release(&body);
}

/*
 * The numbers at risk, as a survival chart's reader expects them: under the
 * x axis (below its tics and label) a row per curve, its name in the left
 * margin in the curve's colour, a number under each tic.
 */
static void km_at_risk(struct strbuf *sb, const struct plot_km *curves, size_t ncurves,
		       double step, size_t nticks)
{
	size_t i, k;
	sb_addf(sb, "set bmargin %zu\nset lmargin 14\nset rmargin 5\n", ncurves + 6);
	sb_adds(sb, "set label 'number at risk' at screen 0.01, graph 0 left offset 0, -3.6\n");
	for (i = 0; i < ncurves; i++) {
		double row = -4.6 - (double)i;
		sb_adds(sb, "set label ");
		plot_text(sb, curves[i].name);
		sb_addf(sb, " at graph 0, graph 0 right offset -3, %g textcolor rgb %s\n", row,
			INK(i));
		for (k = 0; k < nticks; k++) {
			sb_adds(sb, "set label '");
			sb_addf(sb, "%ld", curves[i].risk ? curves[i].risk[k] : 0L);
			sb_adds(sb, "' at first ");
			num(sb, (double)k * step);
			sb_addf(sb, ", graph 0 center offset 0, %g\n", row);
		}
	}
}

void plot_script_km(struct strbuf *sb, const char *out_base, const char *title,
		    const struct plot_km *curves, size_t ncurves, double step, size_t nticks,
		    unsigned formats)
{
	struct strbuf body = STRBUF_INIT;
	size_t i;
	int any = 0, marks = 0;
	for (i = 0; i < ncurves; i++) {
		char name[32];
		snprintf(name, sizeof(name), "K%zu", i);
		if (curves[i].n)
			datablock(&body, name, curves[i].n, curves[i].x, curves[i].s, NULL, NULL);
		snprintf(name, sizeof(name), "C%zu", i);
		if (curves[i].nc)
			datablock(&body, name, curves[i].nc, curves[i].cx, curves[i].cs, NULL, NULL);
	}
	km_at_risk(&body, curves, ncurves, step, nticks);
	sb_adds(&body, "set xlabel 'session number'\nset ylabel 'share not yet responded'\n"
		       "set yrange [0:1.02]\nset xrange [0:");
	num(&body, (double)(nticks > 1 ? nticks - 1 : 1) * step);
	sb_adds(&body, "]\nset xtics 0, ");
	num(&body, step);
	sb_adds(&body, "\nset key top right\nplot ");
	for (i = 0; i < ncurves; i++) {
		if (!curves[i].n)
			continue;
		sb_addf(&body, "%s$K%zu using 2:3 with steps lw 2 %s title ", any ? ", " : "", i,
			STYLE(i));
		plot_text(&body, curves[i].name);
		any = 1;
		if (curves[i].nc) {
			sb_addf(&body, ", $C%zu using 2:3 with points pt 1 ps 1.5 lw 1.5 lc rgb %s notitle",
				i, INK(i));
			marks = 1;
		}
	}
	if (!any)
		sb_adds(&body, "NaN title 'no courses'");
	if (marks)
		sb_adds(&body, ", NaN with points pt 1 ps 1.5 lw 1.5 lc rgb '#000000' "
			       "title 'censored (last score, no response)'");
	sb_adds(&body, ", 0.5 with lines dt 3 lc rgb '#777777' title 'median'\n");
	two_terminals(sb, out_base, title, &body, 0, 1, 1, formats);
	sb_release(&body);
}
