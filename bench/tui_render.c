/*
 * tui_render.c - the table widget under load: 10,000 rows drawn through
 * ncurses onto a pseudo-terminal whose output is counted.
 *
 * One program, four modes (argv[1]), each printing "name value" lines
 * on stdout for bench/tui_render.sh to read:
 *
 *     frame [N]   N full repaints: clearok, table_draw, wnoutrefresh,
 *                 doupdate (bench_frame); prints the bytes of one.
 *     filter      type a six-character filter one key at a time:
 *                 table_set_filter, table_draw, refresh
 *                 (bench_keystroke); prints the rows left.
 *     onerow      draw, then hand the table a new model in which one
 *                 visible row's status changed, draw again
 *                 (bench_update) and print the bytes ncurses wrote for
 *                 that update; also the bytes of a redraw with nothing
 *                 changed and of the change marker fading.
 *     rss         build, sort, filter, draw, one model refresh; prints
 *                 the peak resident set size (getrusage ru_maxrss).
 *
 * The instruction counts come from running this under callgrind with
 * --toggle-collect on the bench_* functions, so every measured step is
 * a function of its own that is never inlined; the program itself does
 * no timing.
 *
 * The terminal is a pty (posix_openpt) sized 120x40, TERM=xterm-256color,
 * a UTF-8 locale and the default theme with 256 colours, so ncurses
 * makes the same choices it makes for a user over SSH.  Bytes are
 * counted on the master side: after each step a marker is written to
 * the slave behind ncurses' output and the master is read up to it, so
 * a count is exact and needs no timeout.  TUI_RENDER_DUMP=file copies
 * every byte read from the pty into file, to see what ncurses sent.
 *
 * The rows are generated from a fixed seed (names, statuses, providers,
 * regions, versions, ages), so every run draws the same screens.  It
 * does not talk to a hub, read keys, or use the views: only the table
 * widget, the theme and ncurses.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>

#include "backend/status.h"
#include "tui/screen.h"
#include "tui/table.h"
#include "tui/theme.h"

#define BENCH_ROWS	10000
#define BENCH_COLS	6
#define BENCH_TERM_W	120
#define BENCH_TERM_H	40
#define BENCH_FRAMES	20		/* default for "frame" */
#define BENCH_FILTER	"prod-p"	/* typed one key at a time */
#define BENCH_SEED	0x9e3779b9u
#define BENCH_NOW_MS	((int64_t)1700000000000)
#define BENCH_CHANGE_POS 5		/* view position of the row changed,
					 * on screen: the view is at the top */
#define BENCH_DRAIN_MS	30000		/* give up reading the pty after */
#define BENCH_CELL_MAX	64

/* Written to the pty after ncurses' output; no byte of it is printable. */
static const char bench_mark[] = "\001\002\003\004\005\006\016\017";

/* TUI_RENDER_DUMP=file: everything read from the pty is copied there. */
static FILE *bench_dump;

/* The pseudo-terminal ncurses draws on. */
struct bench_tty {
	int master;
	int slave;
	FILE *out;			/* the slave, for ncurses */
	FILE *in;
};

static const struct table_column bench_columns[BENCH_COLS] = {
	{ "NAME", 12, 0, 1, TABLE_ALIGN_LEFT, 0 },
	{ "STATUS", 0, 0, 0, TABLE_ALIGN_LEFT, 0 },
	{ "PROVIDER", 0, 0, 0, TABLE_ALIGN_LEFT, 0 },
	{ "REGION", 0, 0, 0, TABLE_ALIGN_LEFT, 0 },
	{ "VERSION", 0, 0, 0, TABLE_ALIGN_LEFT, 0 },
	{ "AGE", 0, 0, 0, TABLE_ALIGN_RIGHT, TABLE_COL_NUMERIC },
};

static const char *const bench_envs[] = {
	"prod", "prod", "prod", "staging", "staging", "dev", "qa", "perf",
	"sandbox", "edge",
};

static const char *const bench_services[] = {
	"payments", "checkout", "search", "ledger", "identity", "billing",
	"media", "gateway", "analytics", "ml-train", "ingest", "notify",
	"catalog", "fraud", "reports", "inventory",
};

static const char *const bench_regions[] = {
	"eu-west-1", "eu-central-1", "us-east-1", "us-west-2",
	"ap-southeast-1", "ap-northeast-1", "sa-east-1", "ca-central-1",
	"fra-dc2", "ams-dc1",
};

static const char *const bench_providers[] = {
	"aws", "gcp", "azure", "on_prem",
};

#define BENCH_N(a) (sizeof(a) / sizeof((a)[0]))

/* Give the terminal back and exit 1 with what failed and errno's text. */
static void
bench_die(const char *what)
{
	int e = errno;

	screen_done();
	fprintf(stderr, "tui_render: %s: %s\n", what,
	    e != 0 ? strerror(e) : "failed");
	exit(1);
}

/* xorshift32: the same rows on every run and every machine. */
static uint32_t
bench_rand(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* Seconds as the console shows an age: "42s", "17m", "5h3m", "3d4h", "2y9d". */
static void
bench_age(char *buf, size_t size, uint32_t secs)
{
	if (secs < 60)
		snprintf(buf, size, "%us", secs);
	else if (secs < 3600)
		snprintf(buf, size, "%um", secs / 60);
	else if (secs < 86400)
		snprintf(buf, size, "%uh%um", secs / 3600, secs % 3600 / 60);
	else if (secs < 365u * 86400)
		snprintf(buf, size, "%ud%uh", secs / 86400,
		    secs % 86400 / 3600);
	else
		snprintf(buf, size, "%uy%ud", secs / (365u * 86400),
		    secs % (365u * 86400) / 86400);
}

/*
 * The model: BENCH_ROWS clusters from the fixed seed.  When change_row
 * is a row index, that row's status flips (Ready <-> NotReady) and
 * nothing else differs, which is what a hub refresh looks like when one
 * cluster goes down.
 */
static struct table_model *
bench_model(long change_row)
{
	static const char *const status[] = {
		"Ready", "Degraded", "NotReady", "Unknown",
	};
	static const enum theme_role status_role[] = {
		THEME_STATUS_OK, THEME_STATUS_WARN, THEME_STATUS_CRIT,
		THEME_STATUS_OFF,
	};
	char cells[BENCH_COLS][BENCH_CELL_MAX], key[40];
	const char *cp[BENCH_COLS];
	struct table_model *m;
	uint32_t seed = BENCH_SEED, r, age, k[4];
	size_t i, c, row, st;

	m = table_model_new(BENCH_COLS, BENCH_ROWS);
	for (c = 0; c < BENCH_COLS; c++)
		cp[c] = cells[c];
	for (i = 0; i < BENCH_ROWS; i++) {
		r = bench_rand(&seed);
		snprintf(cells[0], BENCH_CELL_MAX, "%s-%s-%04zu",
		    bench_envs[r % BENCH_N(bench_envs)],
		    bench_services[(r >> 8) % BENCH_N(bench_services)], i);
		r = bench_rand(&seed) % 100;
		st = r < 85 ? 0 : r < 93 ? 1 : r < 97 ? 2 : 3;
		if ((long)i == change_row)
			st = st == 0 ? 2 : 0;
		snprintf(cells[1], BENCH_CELL_MAX, "%s", status[st]);
		r = bench_rand(&seed);
		snprintf(cells[2], BENCH_CELL_MAX, "%s",
		    bench_providers[r % BENCH_N(bench_providers)]);
		snprintf(cells[3], BENCH_CELL_MAX, "%s",
		    bench_regions[(r >> 8) % BENCH_N(bench_regions)]);
		r = bench_rand(&seed);
		snprintf(cells[4], BENCH_CELL_MAX, "v1.%u.%u", 26 + r % 5,
		    (r >> 8) % 16);
		/* Ages from a minute to three years, most of them recent. */
		r = bench_rand(&seed);
		age = 60 + r % (r % 4 == 0 ? 3u * 365 * 86400 : 30u * 86400);
		bench_age(cells[5], BENCH_CELL_MAX, age);
		for (c = 0; c < 4; c++)
			k[c] = bench_rand(&seed);
		snprintf(key, sizeof(key), "%08x-%04x-%04x-%04x-%04x%08x",
		    k[0], k[1] >> 16, (k[1] & 0x0fff) | 0x4000,
		    (k[2] >> 16 & 0x3fff) | 0x8000, k[2] & 0xffff, k[3]);
		row = table_model_add_row(m, key, THEME_DEFAULT, cp);
		table_model_set_cell_role(m, row, 1, status_role[st]);
		table_model_set_cell_num(m, row, 5, (double)age);
	}
	return m;
}

static void
bench_tty_open(struct bench_tty *tty)
{
	struct winsize ws = { BENCH_TERM_H, BENCH_TERM_W, 0, 0 };
	const char *name;
	int fd;

	errno = 0;
	tty->master = posix_openpt(O_RDWR | O_NOCTTY);
	if (tty->master < 0 || grantpt(tty->master) != 0 ||
	    unlockpt(tty->master) != 0 ||
	    (name = ptsname(tty->master)) == NULL)
		bench_die("cannot open a pty");
	tty->slave = open(name, O_RDWR | O_NOCTTY);
	if (tty->slave < 0)
		bench_die(name);
	if (ioctl(tty->slave, TIOCSWINSZ, &ws) != 0)
		bench_die("TIOCSWINSZ");
	if (fcntl(tty->master, F_SETFL,
	    fcntl(tty->master, F_GETFL) | O_NONBLOCK) != 0)
		bench_die("O_NONBLOCK");
	fd = dup(tty->slave);
	if (fd < 0)
		bench_die("dup");
	tty->out = fdopen(tty->slave, "w");
	tty->in = fdopen(fd, "r");
	if (tty->out == NULL || tty->in == NULL)
		bench_die("fdopen");
}

/*
 * Everything ncurses has written since the last call, in bytes: put the
 * marker behind it and read the master up to the marker.
 */
static size_t
bench_tty_drain(struct bench_tty *tty)
{
	const size_t mlen = sizeof(bench_mark) - 1;
	struct pollfd p = { .fd = tty->master, .events = POLLIN };
	char buf[16384];
	size_t total = 0, matched = 0;
	ssize_t n, i;

	fflush(tty->out);
	if (write(tty->slave, bench_mark, mlen) != (ssize_t)mlen)
		bench_die("writing the marker");
	for (;;) {
		n = read(tty->master, buf, sizeof(buf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (poll(&p, 1, BENCH_DRAIN_MS) == 0) {
				errno = ETIMEDOUT;
				bench_die("reading the pty");
			}
			continue;
		}
		if (n <= 0)
			bench_die("reading the pty");
		if (bench_dump != NULL)
			fwrite(buf, 1, (size_t)n, bench_dump);
		for (i = 0; i < n; i++) {
			total++;
			if (buf[i] == bench_mark[matched])
				matched++;
			else
				matched = buf[i] == bench_mark[0] ? 1 : 0;
			if (matched == mlen)
				return total - mlen;
		}
	}
}

static void
bench_screen_open(struct bench_tty *tty)
{
	struct screen_opts o = { 0 };
	struct cm_err err;
	struct theme th;

	/* The size comes from the pty, not from the caller's environment. */
	unsetenv("LINES");
	unsetenv("COLUMNS");
	unsetenv("NO_COLOR");
	unsetenv("CM_ASCII");
	setenv("LC_ALL", "C.UTF-8", 1);
	bench_tty_open(tty);
	o.term = "xterm-256color";
	o.out = tty->out;
	o.in = tty->in;
	if (screen_init(&o, &err) != CM_OK) {
		fprintf(stderr, "tui_render: %s\n", err.msg);
		exit(1);
	}
	if (LINES != BENCH_TERM_H || COLS != BENCH_TERM_W) {
		screen_done();
		fprintf(stderr, "tui_render: terminal is %dx%d, want %dx%d\n",
		    COLS, LINES, BENCH_TERM_W, BENCH_TERM_H);
		exit(1);
	}
	theme_init(&th);
	theme_apply(&th, screen_colors());
}

/* A table over the generated model, sorted by name, at the top, drawn. */
static struct table *
bench_table(struct bench_tty *tty)
{
	struct table *t;

	t = table_new(bench_columns, BENCH_COLS);
	table_set_model(t, bench_model(-1), BENCH_NOW_MS);
	table_sort(t, 0, false);
	table_navigate(t, TABLE_NAV_TOP);
	table_draw(t, stdscr, BENCH_NOW_MS);
	wnoutrefresh(stdscr);
	doupdate();
	bench_tty_drain(tty);
	return t;
}

static void
bench_close(struct table *t)
{
	table_free(t);
	screen_done();
}

/* One full frame: everything repainted, as after a resize or C-l. */
__attribute__((noinline)) static void
bench_frame(struct table *t)
{
	clearok(curscr, TRUE);
	table_draw(t, stdscr, BENCH_NOW_MS);
	wnoutrefresh(stdscr);
	doupdate();
}

/* One filter keystroke: the filter is now expr; re-filter and draw. */
__attribute__((noinline)) static void
bench_keystroke(struct table *t, const char *expr)
{
	struct cm_err err;

	if (table_set_filter(t, expr, NULL, &err) != CM_OK) {
		screen_done();
		fprintf(stderr, "tui_render: filter: %s\n", err.msg);
		exit(1);
	}
	table_draw(t, stdscr, BENCH_NOW_MS);
	wnoutrefresh(stdscr);
	doupdate();
}

/* A refresh from the hub: swap in model m (one row differs) and draw. */
__attribute__((noinline)) static void
bench_update(struct table *t, struct table_model *m, int64_t now_ms)
{
	table_set_model(t, m, now_ms);
	table_draw(t, stdscr, now_ms);
	wnoutrefresh(stdscr);
	doupdate();
}

/* A redraw at now_ms with no new data (the tick that fades markers). */
__attribute__((noinline)) static void
bench_redraw(struct table *t, int64_t now_ms)
{
	table_draw(t, stdscr, now_ms);
	wnoutrefresh(stdscr);
	doupdate();
}

static int
bench_mode_frame(int frames)
{
	struct bench_tty tty;
	struct table *t;
	size_t bytes = 0;
	int i;

	bench_screen_open(&tty);
	t = bench_table(&tty);
	for (i = 0; i < frames; i++) {
		bench_frame(t);
		bytes = bench_tty_drain(&tty);
	}
	bench_close(t);
	printf("rows %d\nframes %d\nbytes_per_frame %zu\n", BENCH_ROWS,
	    frames, bytes);
	return 0;
}

static int
bench_mode_filter(void)
{
	char expr[sizeof(BENCH_FILTER)];
	struct bench_tty tty;
	struct table *t;
	size_t i, bytes = 0, len = strlen(BENCH_FILTER);

	bench_screen_open(&tty);
	t = bench_table(&tty);
	for (i = 1; i <= len; i++) {
		memcpy(expr, BENCH_FILTER, i);
		expr[i] = '\0';
		bench_keystroke(t, expr);
		bytes += bench_tty_drain(&tty);
	}
	i = table_count(t);
	bench_close(t);
	printf("rows %d\nfilter %s\nkeystrokes %zu\nrows_left %zu\n"
	    "bytes_per_keystroke %zu\n", BENCH_ROWS, BENCH_FILTER, len, i,
	    bytes / len);
	return 0;
}

static int
bench_mode_onerow(void)
{
	struct bench_tty tty;
	struct table *t;
	size_t full, same, one, fade;
	long row;

	bench_screen_open(&tty);
	t = bench_table(&tty);
	bench_frame(t);
	full = bench_tty_drain(&tty);
	bench_redraw(t, BENCH_NOW_MS);
	same = bench_tty_drain(&tty);
	row = table_view_row(t, BENCH_CHANGE_POS);
	if (row < 0) {
		errno = 0;
		bench_die("no row to change");
	}
	bench_update(t, bench_model(row), BENCH_NOW_MS + 1000);
	one = bench_tty_drain(&tty);
	if (!table_row_marked(t, (size_t)row, BENCH_NOW_MS + 1000)) {
		errno = 0;
		bench_die("the changed row carries no change marker");
	}
	bench_redraw(t, BENCH_NOW_MS + 1000 + 60000);
	fade = bench_tty_drain(&tty);
	bench_close(t);
	printf("rows %d\nbytes_full_frame %zu\nbytes_no_change %zu\n"
	    "bytes_one_row %zu\nbytes_marker_fade %zu\n", BENCH_ROWS, full,
	    same, one, fade);
	return 0;
}

static int
bench_mode_rss(void)
{
	struct bench_tty tty;
	struct table *t;
	struct rusage ru;
	struct cm_err err;

	bench_screen_open(&tty);
	t = bench_table(&tty);
	if (table_set_filter(t, "prod", NULL, &err) != CM_OK)
		bench_die("filter");
	bench_redraw(t, BENCH_NOW_MS);
	bench_tty_drain(&tty);
	/* A refresh holds the old and the new model at once: the peak. */
	bench_update(t, bench_model(table_view_row(t, BENCH_CHANGE_POS)),
	    BENCH_NOW_MS + 1000);
	bench_tty_drain(&tty);
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		bench_die("getrusage");
	bench_close(t);
	printf("rows %d\nmaxrss_kb %ld\n", BENCH_ROWS, ru.ru_maxrss);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "", *dump;
	int frames = BENCH_FRAMES;

	dump = getenv("TUI_RENDER_DUMP");
	if (dump != NULL && dump[0] != '\0' &&
	    (bench_dump = fopen(dump, "w")) == NULL)
		bench_die(dump);

	if (strcmp(mode, "frame") == 0) {
		if (argc > 2)
			frames = atoi(argv[2]);
		if (frames < 1)
			frames = 1;
		return bench_mode_frame(frames);
	}
	if (strcmp(mode, "filter") == 0)
		return bench_mode_filter();
	if (strcmp(mode, "onerow") == 0)
		return bench_mode_onerow();
	if (strcmp(mode, "rss") == 0)
		return bench_mode_rss();
	fprintf(stderr, "usage: tui_render frame [N] | filter | onerow | "
	    "rss\n");
	return 2;
}
