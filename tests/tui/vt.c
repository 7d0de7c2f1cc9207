/*
 * vt.c - a program on a pty, rendered by libvterm, for screen tests.
 * See vt.h; golden files are golden.c's.
 *
 * Everything the harness sends to the program (keys, text, the
 * terminal's replies) goes through one queue that is written to the pty
 * master without blocking, while the program's output keeps being read:
 * a program that writes a lot while ignoring its input cannot deadlock
 * the test.  Waits are deadlines on CLOCK_MONOTONIC; the only pause that
 * is not a wait for output is the gap after a lone Escape.
 *
 * Not here: threads (one test thread drives a vt), scrollback, mouse,
 * bracketed paste, and diffing anything but text.
 */
#include "config.h"

#include "vt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <vterm.h>

#include "backend/xalloc.h"
#include "tests/tui/golden.h"

extern char **environ;

#define VT_IO_TIMEOUT_MS 5000	/* for the program to take our input */
#define VT_HANGUP_MS 1000	/* vt_free: SIGHUP, then SIGKILL after this */
#define VT_TOKEN_MAX 32

struct vt {
	VTerm *term;
	VTermScreen *screen;
	int master;		/* pty master; -1 once closed */
	pid_t pid;
	bool eof;		/* the program's side of the pty is closed */
	bool exited;		/* reaped; status is valid */
	int status;
	int exec_errno;		/* exec failed so; status is 127 */
	bool altscreen;
	bool cursor_visible;
	int escape_gap_ms;
	char *in;		/* queued for the program */
	size_t in_len;
	size_t in_cap;
	struct golden_masks *masks;	/* for vt_golden_text() */
};

struct buf {
	char *s;
	size_t len;
	size_t cap;
};

/* Variables that would make a test depend on the developer's terminal. */
static const char *const env_drop[] = {
	"COLUMNS", "LINES", "TERM", "TERMCAP", "LANG", "LANGUAGE",
	"NO_COLOR", "COLORTERM", "ESCDELAY", "TMUX", "STY", "TERM_PROGRAM",
	"TERM_PROGRAM_VERSION", "VTE_VERSION", "NCURSES_NO_UTF8_ACS", NULL,
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* The buffer's string, "" if nothing was added; the caller frees it. */
static char *
buf_take(struct buf *b)
{
	if (b->s == NULL)
		return xstrdup("");
	return b->s;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds until deadline, 0 if it has passed. */
static int
left_ms(int64_t deadline)
{
	int64_t d = deadline - now_ms();

	if (d <= 0)
		return 0;
	return d > INT_MAX ? INT_MAX : (int)d;
}

static void
nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static size_t
utf8_put(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18 & 0x07));
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* Decode one UTF-8 character from s; its length, or 0 if malformed. */
static size_t
utf8_get(const char *s, uint32_t *c)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i;

	if (u[0] < 0x80) {
		*c = u[0];
		return u[0] != 0;
	}
	if ((u[0] & 0xe0) == 0xc0) {
		n = 2;
		*c = u[0] & 0x1f;
	} else if ((u[0] & 0xf0) == 0xe0) {
		n = 3;
		*c = u[0] & 0x0f;
	} else if ((u[0] & 0xf8) == 0xf0) {
		n = 4;
		*c = u[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		*c = *c << 6 | (u[i] & 0x3f);
	}
	return n;
}

/* --- the child ---------------------------------------------------- */

static bool
env_is(const char *entry, const char *name)
{
	size_t n = strcspn(name, "=");

	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

static void
env_remove(char **env, size_t *n, const char *name)
{
	size_t i = 0;

	while (i < *n) {
		if (env_is(env[i], name)) {
			env[i] = env[--*n];
			env[*n] = NULL;
		} else {
			i++;
		}
	}
}

/* The child's environment; borrows the strings, the caller frees the array. */
static char **
env_build(char *const envp[])
{
	size_t n = 0, cap = 8, i, k;
	char **env;
	bool drop;

	for (i = 0; environ[i] != NULL; i++)
		cap++;
	for (i = 0; envp != NULL && envp[i] != NULL; i++)
		cap++;
	env = xcalloc(cap, sizeof *env);
	for (i = 0; environ[i] != NULL; i++) {
		drop = strncmp(environ[i], "LC_", 3) == 0;
		for (k = 0; !drop && env_drop[k] != NULL; k++)
			drop = env_is(environ[i], env_drop[k]);
		if (!drop)
			env[n++] = environ[i];
	}
	env[n++] = "TERM=xterm-256color";
	env[n++] = "LANG=C.UTF-8";
	for (i = 0; envp != NULL && envp[i] != NULL; i++) {
		env_remove(env, &n, envp[i]);
		if (strchr(envp[i], '=') != NULL)
			env[n++] = envp[i];
	}
	env[n] = NULL;
	return env;
}

/* In the child: exec argv, or report errno on fd and exit 127. */
static void __attribute__((noreturn))
child_exec(char *const argv[], char **env, int fd)
{
	static const int sigs[] = {
		SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGCHLD, SIGWINCH,
		SIGTSTP, SIGTTIN, SIGTTOU,
	};
	sigset_t none;
	size_t i;
	int err;

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvpe(argv[0], argv, env);
	err = errno;
	dprintf(2, "vt: cannot run %s: %s\n", argv[0], strerror(err));
	if (write(fd, &err, sizeof err) < 0)
		_exit(126);
	_exit(127);
}

/* --- I/O ---------------------------------------------------------- */

static int
on_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct vt *vt = user;

	switch (prop) {
	case VTERM_PROP_ALTSCREEN:
		vt->altscreen = val->boolean;
		break;
	case VTERM_PROP_CURSORVISIBLE:
		vt->cursor_visible = val->boolean;
		break;
	default:
		break;
	}
	return 1;
}

static const VTermScreenCallbacks screen_callbacks = {
	.settermprop = on_settermprop,
};

static void
queue_bytes(struct vt *vt, const char *s, size_t n)
{
	if (vt->eof)
		return;
	if (vt->in_len + n > vt->in_cap) {
		vt->in_cap = (vt->in_len + n) * 2;
		vt->in = xrealloc(vt->in, vt->in_cap);
	}
	memcpy(vt->in + vt->in_len, s, n);
	vt->in_len += n;
}

/* Move what libvterm wants to send (replies, encoded keys) to the queue. */
static void
queue_term_output(struct vt *vt)
{
	char buf[512];
	size_t n;

	while ((n = vterm_output_read(vt->term, buf, sizeof buf)) > 0)
		queue_bytes(vt, buf, n);
}

/* Write as much of the queue as the pty takes now. */
static void
flush_some(struct vt *vt)
{
	ssize_t n;

	while (vt->in_len > 0 && !vt->eof) {
		n = write(vt->master, vt->in, vt->in_len);
		if (n > 0) {
			memmove(vt->in, vt->in + n, vt->in_len - (size_t)n);
			vt->in_len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			return;
		} else {
			/* EIO: nobody will ever read it. */
			break;
		}
	}
	if (vt->eof)
		vt->in_len = 0;
}

/*
 * One round: write what is queued as far as the pty takes it, wait up to
 * timeout_ms for output and feed all that is ready to the terminal.
 * Returns the bytes read, or -1 at end of output with nothing read.
 */
static int
io_step(struct vt *vt, int timeout_ms)
{
	struct pollfd pfd;
	char buf[8192];
	ssize_t n;
	int r, total = 0;

	queue_term_output(vt);
	flush_some(vt);
	if (vt->eof)
		return -1;
	pfd.fd = vt->master;
	pfd.events = POLLIN | (vt->in_len > 0 ? POLLOUT : 0);
	pfd.revents = 0;
	r = poll(&pfd, 1, timeout_ms);
	if (r < 0 && errno != EINTR)
		fail_msg("vt: poll: %s", strerror(errno));
	if (r <= 0)
		return 0;
	if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
		while (total < 65536) {
			n = read(vt->master, buf, sizeof buf);
			if (n > 0) {
				vterm_input_write(vt->term, buf, (size_t)n);
				total += (int)n;
			} else if (n < 0 && errno == EINTR) {
				continue;
			} else if (n < 0 && errno == EAGAIN) {
				break;
			} else {
				/* EIO or 0: the slave side is closed. */
				vt->eof = true;
				break;
			}
		}
	}
	queue_term_output(vt);
	flush_some(vt);
	if (vt->eof && total == 0)
		return -1;
	return total;
}

/* Take in whatever output is ready without waiting. */
static void
catch_up(struct vt *vt)
{
	while (io_step(vt, 0) > 0)
		;
}

/* Deliver the whole queue, reading output meanwhile; fails on timeout. */
static void
flush_all(struct vt *vt)
{
	int64_t deadline = now_ms() + VT_IO_TIMEOUT_MS;

	queue_term_output(vt);
	while (vt->in_len > 0 && !vt->eof) {
		if (left_ms(deadline) == 0)
			fail_msg("vt: the program did not read %zu bytes "
			    "of input in %d ms", vt->in_len,
			    VT_IO_TIMEOUT_MS);
		io_step(vt, left_ms(deadline));
	}
}

/* Pump output until ms have passed, whatever arrives. */
static void
pump_for(struct vt *vt, int ms)
{
	int64_t deadline = now_ms() + ms;

	while (left_ms(deadline) > 0) {
		if (io_step(vt, left_ms(deadline)) < 0) {
			nap_ms(left_ms(deadline));
			break;
		}
	}
}

static void
reap(struct vt *vt, bool block)
{
	int st;
	pid_t r;

	if (vt->exited)
		return;
	do {
		r = waitpid(vt->pid, &st, block ? 0 : WNOHANG);
	} while (r < 0 && errno == EINTR);
	if (r != vt->pid)
		return;
	vt->exited = true;
	if (WIFEXITED(st))
		vt->status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		vt->status = 128 + WTERMSIG(st);
	else
		vt->status = -1;
	/*
	 * A failed exec is 127 as in the shell, whatever the child's exit
	 * says (under valgrind its exit-time checks can change it).
	 */
	if (vt->exec_errno != 0)
		vt->status = 127;
}

struct vt *
vt_spawn(int rows, int cols, char *const argv[], char *const envp[])
{
	struct winsize ws;
	struct vt *vt;
	char **env;
	pid_t pid;
	int master, flags, ep[2], err = 0;
	ssize_t n;

	if (rows < 1 || cols < 1 || argv == NULL || argv[0] == NULL)
		fail_msg("vt_spawn: bad arguments");
	VTERM_CHECK_VERSION;
	memset(&ws, 0, sizeof ws);
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	/* The child reports a failed exec here; a good exec closes it. */
	if (pipe2(ep, O_CLOEXEC) < 0)
		fail_msg("vt_spawn: pipe: %s", strerror(errno));
	env = env_build(envp);
	/* Nothing buffered may be written twice, by both processes. */
	fflush(NULL);
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0) {
		err = errno;
		free(env);
		close(ep[0]);
		close(ep[1]);
		fail_msg("vt_spawn: forkpty: %s", strerror(err));
	}
	if (pid == 0) {
		close(ep[0]);
		child_exec(argv, env, ep[1]);
	}
	free(env);
	close(ep[1]);
	do {
		n = read(ep[0], &err, sizeof err);
	} while (n < 0 && errno == EINTR);
	close(ep[0]);

	flags = fcntl(master, F_GETFL);
	fcntl(master, F_SETFL, flags | O_NONBLOCK);
	/* Another vt's program must not hold this pty open. */
	fcntl(master, F_SETFD, FD_CLOEXEC);

	vt = xcalloc(1, sizeof *vt);
	vt->master = master;
	vt->pid = pid;
	vt->exec_errno = n == (ssize_t)sizeof err ? err : 0;
	vt->cursor_visible = true;
	vt->escape_gap_ms = 150;
	vt->masks = golden_masks_new();
	vt->term = vterm_new(rows, cols);
	vterm_set_utf8(vt->term, 1);
	vt->screen = vterm_obtain_screen(vt->term);
	vterm_screen_enable_altscreen(vt->screen, 1);
	vterm_screen_set_callbacks(vt->screen, &screen_callbacks, vt);
	vterm_screen_reset(vt->screen, 1);
	return vt;
}

void
vt_free(struct vt *vt)
{
	int64_t deadline;

	if (vt == NULL)
		return;
	if (!vt->exited) {
		/* Closing the master hangs up the pty: SIGHUP, as ssh would. */
		if (vt->master >= 0) {
			close(vt->master);
			vt->master = -1;
		}
		deadline = now_ms() + VT_HANGUP_MS;
		for (reap(vt, false); !vt->exited && left_ms(deadline) > 0;
		    reap(vt, false))
			nap_ms(5);
		if (!vt->exited) {
			kill(vt->pid, SIGKILL);
			reap(vt, true);
		}
	}
	if (vt->master >= 0)
		close(vt->master);
	vterm_free(vt->term);
	golden_masks_free(vt->masks);
	free(vt->in);
	free(vt);
}

int
vt_pump(struct vt *vt, int ms)
{
	int64_t deadline = now_ms() + ms;
	int r, total = 0;

	do {
		r = io_step(vt, left_ms(deadline));
		if (r < 0)
			return -1;
		total += r;
	} while (total == 0 && left_ms(deadline) > 0);
	while (total > 0 && (r = io_step(vt, 0)) > 0)
		total += r;
	return total;
}

static bool
wait_for(struct vt *vt, const char *text, bool present, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		if (vt_screen_contains(vt, text) == present)
			return true;
		if (left_ms(deadline) == 0)
			return false;
		if (vt_pump(vt, left_ms(deadline)) < 0)
			return vt_screen_contains(vt, text) == present;
	}
}

bool
vt_wait_text(struct vt *vt, const char *text, int timeout_ms)
{
	return wait_for(vt, text, true, timeout_ms);
}

bool
vt_wait_gone(struct vt *vt, const char *text, int timeout_ms)
{
	return wait_for(vt, text, false, timeout_ms);
}

bool
vt_wait_stable(struct vt *vt, int quiet_ms, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	int wait, r;

	for (;;) {
		wait = left_ms(deadline);
		if (wait > quiet_ms)
			wait = quiet_ms;
		r = vt_pump(vt, wait);
		if (r < 0)
			return true;	/* closed: nothing more will come */
		if (r == 0 && wait == quiet_ms)
			return true;
		if (left_ms(deadline) == 0)
			return false;
	}
}

void
vt_dump(struct vt *vt, FILE *fp)
{
	int rows, cols, r, cr, cc;
	bool vis;
	char *row;

	vterm_get_size(vt->term, &rows, &cols);
	vt_cursor(vt, &cr, &cc, &vis);
	fprintf(fp, "screen %dx%d, cursor %d,%d%s%s%s:\n", rows, cols, cr,
	    cc, vis ? "" : " (hidden)", vt->altscreen ? ", alternate" : "",
	    vt->eof ? ", program closed the terminal" : "");
	for (r = 0; r < rows; r++) {
		row = vt_row_text(vt, r);
		fprintf(fp, "%3d|%s\n", r, row);
		free(row);
	}
}

void
vt_expect_text(struct vt *vt, const char *text, int timeout_ms)
{
	if (vt_wait_text(vt, text, timeout_ms))
		return;
	vt_dump(vt, stderr);
	fail_msg("vt: \"%s\" not on screen after %d ms", text, timeout_ms);
}

/* --- reading the screen ------------------------------------------- */

/*
 * Render one row into b (no newline, trailing spaces trimmed); start[c]
 * (if not NULL, cols entries) gets the byte offset in b where column c
 * begins, or -1 for the right half of a wide character.
 */
static void
row_render(struct vt *vt, int row, struct buf *b, long *start)
{
	VTermScreenCell cell;
	VTermPos pos;
	char u[4];
	int rows, cols, c, i;
	size_t base = b->len;

	vterm_get_size(vt->term, &rows, &cols);
	pos.row = row;
	for (c = 0; c < cols; c++) {
		pos.col = c;
		if (!vterm_screen_get_cell(vt->screen, pos, &cell))
			memset(&cell, 0, sizeof cell);
		if (cell.chars[0] == (uint32_t)-1) {
			if (start != NULL)
				start[c] = -1;
			continue;
		}
		if (start != NULL)
			start[c] = (long)(b->len - base);
		if (cell.chars[0] == 0) {
			buf_add(b, " ", 1);
			continue;
		}
		for (i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i];
		    i++)
			buf_add(b, u, utf8_put(u, cell.chars[i]));
	}
	while (b->len > base && b->s[b->len - 1] == ' ')
		b->len--;
	if (b->s != NULL)
		b->s[b->len] = '\0';
}

char *
vt_screen_text(struct vt *vt)
{
	struct buf b = { 0 };
	int rows, cols, r;

	vterm_get_size(vt->term, &rows, &cols);
	for (r = 0; r < rows; r++) {
		row_render(vt, r, &b, NULL);
		buf_add(&b, "\n", 1);
	}
	return buf_take(&b);
}

char *
vt_row_text(struct vt *vt, int row)
{
	struct buf b = { 0 };
	int rows, cols;

	vterm_get_size(vt->term, &rows, &cols);
	if (row >= 0 && row < rows)
		row_render(vt, row, &b, NULL);
	return buf_take(&b);
}

bool
vt_screen_contains(struct vt *vt, const char *text)
{
	char *s = vt_screen_text(vt);
	bool found = strstr(s, text) != NULL;

	free(s);
	return found;
}

bool
vt_find_text(struct vt *vt, const char *text, int *row, int *col)
{
	struct buf b = { 0 };
	long *start;
	int rows, cols, r, c;
	const char *hit;
	long off;
	bool found = false;

	vterm_get_size(vt->term, &rows, &cols);
	start = xcalloc((size_t)cols, sizeof *start);
	for (r = 0; r < rows && !found; r++) {
		b.len = 0;
		row_render(vt, r, &b, start);
		if (b.s == NULL || (hit = strstr(b.s, text)) == NULL)
			continue;
		off = hit - b.s;
		/* The last column starting at or before the hit holds it. */
		for (c = cols - 1; c > 0 && (start[c] < 0 || start[c] > off);
		    c--)
			;
		*row = r;
		*col = c;
		found = true;
	}
	free(start);
	free(b.s);
	return found;
}

static int
color_value(const VTermColor *c, bool fg)
{
	if (fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c))
		return VT_COLOR_DEFAULT;
	if (VTERM_COLOR_IS_INDEXED(c))
		return c->indexed.idx;
	return VT_COLOR_RGB(c->rgb.red, c->rgb.green, c->rgb.blue);
}

bool
vt_cell_attrs(struct vt *vt, int row, int col, struct vt_attrs *out)
{
	VTermScreenCell cell;
	VTermPos pos;
	int rows, cols;

	memset(out, 0, sizeof *out);
	vterm_get_size(vt->term, &rows, &cols);
	if (row < 0 || row >= rows || col < 0 || col >= cols)
		return false;
	pos.row = row;
	pos.col = col;
	if (!vterm_screen_get_cell(vt->screen, pos, &cell))
		return false;
	/* The right half of a wide character has the left half's looks. */
	if (cell.chars[0] == (uint32_t)-1 && col > 0) {
		pos.col = col - 1;
		vterm_screen_get_cell(vt->screen, pos, &cell);
	}
	out->bold = cell.attrs.bold;
	out->italic = cell.attrs.italic;
	out->underline = cell.attrs.underline != 0;
	out->blink = cell.attrs.blink;
	out->reverse = cell.attrs.reverse;
	out->strike = cell.attrs.strike;
	out->fg = color_value(&cell.fg, true);
	out->bg = color_value(&cell.bg, false);
	return true;
}

void
vt_cursor(struct vt *vt, int *row, int *col, bool *visible)
{
	VTermPos pos;

	vterm_state_get_cursorpos(vterm_obtain_state(vt->term), &pos);
	*row = pos.row;
	*col = pos.col;
	*visible = vt->cursor_visible;
}

bool
vt_altscreen(struct vt *vt)
{
	return vt->altscreen;
}

void
vt_size(struct vt *vt, int *rows, int *cols)
{
	vterm_get_size(vt->term, rows, cols);
}

int
vt_pid(struct vt *vt)
{
	return (int)vt->pid;
}

/* --- input -------------------------------------------------------- */

struct key {
	bool named;
	VTermKey key;		/* named */
	uint32_t ch;		/* not named */
	int mod;		/* VTERM_MOD_* */
};

static const struct {
	const char *name;
	VTermKey key;
} key_names[] = {
	{ "Enter", VTERM_KEY_ENTER }, { "Escape", VTERM_KEY_ESCAPE },
	{ "Esc", VTERM_KEY_ESCAPE }, { "Tab", VTERM_KEY_TAB },
	{ "Backspace", VTERM_KEY_BACKSPACE }, { "Up", VTERM_KEY_UP },
	{ "Down", VTERM_KEY_DOWN }, { "Left", VTERM_KEY_LEFT },
	{ "Right", VTERM_KEY_RIGHT }, { "Insert", VTERM_KEY_INS },
	{ "Delete", VTERM_KEY_DEL }, { "Home", VTERM_KEY_HOME },
	{ "End", VTERM_KEY_END }, { "PageUp", VTERM_KEY_PAGEUP },
	{ "PageDown", VTERM_KEY_PAGEDOWN },
};

/* The control character for C-ch, or -1 if there is none. */
static int
ctrl_byte(uint32_t ch)
{
	if (ch >= 'a' && ch <= 'z')
		return (int)(ch - 'a' + 1);
	if (ch >= '@' && ch <= '_')
		return (int)(ch & 0x1f);
	if (ch == ' ')
		return 0;
	if (ch == '?')
		return 0x7f;
	return -1;
}

static bool
key_parse(const char *tok, struct key *k)
{
	size_t i, n;
	int f;
	char *end;

	memset(k, 0, sizeof *k);
	/* Modifier prefixes; "-" and "C--" leave the '-' as the key. */
	while (tok[0] != '\0' && tok[1] == '-' && tok[2] != '\0') {
		if (tok[0] == 'C')
			k->mod |= VTERM_MOD_CTRL;
		else if (tok[0] == 'M')
			k->mod |= VTERM_MOD_ALT;
		else if (tok[0] == 'S')
			k->mod |= VTERM_MOD_SHIFT;
		else
			break;
		tok += 2;
	}
	if (strcmp(tok, "BTab") == 0) {
		k->named = true;
		k->key = VTERM_KEY_TAB;
		k->mod |= VTERM_MOD_SHIFT;
		return true;
	}
	if (strcmp(tok, "Space") == 0)
		tok = " ";
	for (i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (strcmp(tok, key_names[i].name) == 0) {
			k->named = true;
			k->key = key_names[i].key;
			return true;
		}
	}
	if (tok[0] == 'F' && tok[1] >= '1' && tok[1] <= '9') {
		f = (int)strtol(tok + 1, &end, 10);
		if (*end != '\0' || f < 1 || f > 12)
			return false;
		k->named = true;
		k->key = VTERM_KEY_FUNCTION(f);
		return true;
	}
	n = utf8_get(tok, &k->ch);
	if (n == 0 || tok[n] != '\0')
		return false;
	if (k->mod & VTERM_MOD_SHIFT)
		return false;	/* write the shifted character itself */
	if ((k->mod & VTERM_MOD_CTRL) && ctrl_byte(k->ch) < 0)
		return false;
	return true;
}

/* Next space-separated token of *p into tok; false at the end. */
static bool
token_next(const char **p, char *tok, size_t size, bool *too_long)
{
	size_t n;

	*p += strspn(*p, " \t");
	if (**p == '\0')
		return false;
	n = strcspn(*p, " \t");
	*too_long = n >= size;
	if (*too_long)
		n = size - 1;
	memcpy(tok, *p, n);
	tok[n] = '\0';
	*p += strcspn(*p, " \t");
	return true;
}

bool
vt_keys_valid(const char *keys, char *bad, size_t badlen)
{
	char tok[VT_TOKEN_MAX];
	struct key k;
	bool too_long;

	while (token_next(&keys, tok, sizeof tok, &too_long)) {
		if (too_long || !key_parse(tok, &k)) {
			if (bad != NULL && badlen > 0)
				snprintf(bad, badlen, "%s", tok);
			return false;
		}
	}
	return true;
}

/* Queue one key's bytes as xterm would send them in the current modes. */
static void
key_queue(struct vt *vt, const struct key *k)
{
	char u[8];
	size_t n = 0;
	int c;

	if (k->named) {
		vterm_keyboard_key(vt->term, k->key, (VTermModifier)k->mod);
		queue_term_output(vt);
		return;
	}
	/*
	 * Characters are encoded here rather than by libvterm, which sends
	 * C-i, C-m, C-[ and friends as "CSI u" sequences that xterm (and so
	 * ncurses) does not use.
	 */
	if (k->mod & VTERM_MOD_ALT)
		u[n++] = '\033';
	if (k->mod & VTERM_MOD_CTRL) {
		c = ctrl_byte(k->ch);
		u[n++] = (char)c;
	} else {
		n += utf8_put(u + n, k->ch);
	}
	queue_bytes(vt, u, n);
}

void
vt_send_keys(struct vt *vt, const char *keys)
{
	char tok[VT_TOKEN_MAX], bad[VT_TOKEN_MAX];
	const char *p = keys, *rest;
	struct key k;
	bool too_long, lone_escape;

	if (!vt_keys_valid(keys, bad, sizeof bad))
		fail_msg("vt_send_keys: unknown key \"%s\" in \"%s\"", bad,
		    keys);
	/* Key encodings depend on the modes the program has set so far. */
	catch_up(vt);
	while (token_next(&p, tok, sizeof tok, &too_long)) {
		key_parse(tok, &k);
		key_queue(vt, &k);
		lone_escape = (k.named && k.key == VTERM_KEY_ESCAPE &&
		    k.mod == 0) || (!k.named && k.mod == VTERM_MOD_CTRL &&
		    k.ch == '[');
		rest = p + strspn(p, " \t");
		if (lone_escape && *rest != '\0') {
			flush_all(vt);
			pump_for(vt, vt->escape_gap_ms);
		}
	}
	flush_all(vt);
}

void
vt_send_text(struct vt *vt, const char *utf8)
{
	catch_up(vt);
	queue_bytes(vt, utf8, strlen(utf8));
	flush_all(vt);
}

void
vt_set_escape_gap(struct vt *vt, int ms)
{
	vt->escape_gap_ms = ms < 0 ? 0 : ms;
}

void
vt_resize(struct vt *vt, int rows, int cols)
{
	struct winsize ws;

	if (rows < 1 || cols < 1)
		fail_msg("vt_resize: bad size %dx%d", rows, cols);
	/* Output after the SIGWINCH must meet the new size. */
	catch_up(vt);
	vterm_set_size(vt->term, rows, cols);
	memset(&ws, 0, sizeof ws);
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	if (vt->master >= 0 && !vt->eof &&
	    ioctl(vt->master, TIOCSWINSZ, &ws) < 0)
		fail_msg("vt_resize: TIOCSWINSZ: %s", strerror(errno));
}

int
vt_wait_exit(struct vt *vt, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms, drain;
	int wait;

	for (;;) {
		reap(vt, false);
		if (vt->exited)
			break;
		wait = left_ms(deadline);
		if (wait == 0)
			return -1;
		if (wait > 10)
			wait = 10;
		if (vt->eof)
			nap_ms(wait);
		else
			io_step(vt, wait);
	}
	/*
	 * Take in its last output (rmcup and the like).  The end of output
	 * comes at once unless a child it left behind holds the pty.
	 */
	drain = now_ms() + 1000;
	if (drain > deadline)
		drain = deadline;
	while (!vt->eof && left_ms(drain) > 0)
		io_step(vt, left_ms(drain));
	catch_up(vt);
	return vt->status;
}

/* --- golden files: this terminal's masks -------------------------- */

void
vt_mask(struct vt *vt, const char *regex, const char *token)
{
	golden_masks_add(vt->masks, regex, token);
}

char *
vt_golden_text(struct vt *vt)
{
	char *text = vt_screen_text(vt), *masked;

	masked = golden_masks_apply(vt->masks, text);
	free(text);
	return masked;
}
