/*
 * test_screen.c - the terminal set-up without a terminal: ncurses runs
 * on /dev/null or a file (newterm), sized by LINES/COLUMNS.  Covers the
 * "terminal too small" message, reading keys (meta, Enter, DEL, arrows),
 * set-up errors, and the fatal() hook restoring the terminal.
 */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend/xalloc.h"
#include "tui/keymap.h"
#include "tui/screen.h"

/*
 * ncurses keeps the "prescreen" of a newterm() that failed (unknown
 * terminal type) for the rest of the process; that is its leak, not
 * ours.  LeakSanitizer reads this hook when it is linked in.
 */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:new_prescr\n";
}

static FILE *scr_out;
static FILE *scr_in;

/* Start a screen of cols x rows on /dev/null (or reading input). */
static void
start(int cols, int rows, FILE *input)
{
	struct screen_opts o;
	struct cm_err err;
	char n[16];

	snprintf(n, sizeof n, "%d", cols);
	setenv("COLUMNS", n, 1);
	snprintf(n, sizeof n, "%d", rows);
	setenv("LINES", n, 1);
	scr_out = fopen("/dev/null", "w");
	scr_in = input != NULL ? input : fopen("/dev/null", "r");
	assert_non_null(scr_out);
	assert_non_null(scr_in);
	memset(&o, 0, sizeof o);
	o.term = "xterm-256color";
	o.out = scr_out;
	o.in = scr_in;
	assert_int_equal(screen_init(&o, &err), CM_OK);
	assert_true(screen_active());
}

static void
stop(void)
{
	screen_done();
	assert_false(screen_active());
	fclose(scr_out);
	fclose(scr_in);
	unsetenv("COLUMNS");
	unsetenv("LINES");
}

/* Text of screen row y, trailing blanks removed. */
static char *
row_text(int y, char *buf, int size)
{
	int n;

	n = mvwinnstr(stdscr, y, 0, buf, size - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return buf;
}

/* 80x24 and larger are big enough; smaller in either way is not. */
static void
test_size_limits(void **state)
{
	start(80, 24, NULL);
	assert_int_equal(screen_cols(), 80);
	assert_int_equal(screen_rows(), 24);
	assert_false(screen_too_small());
	stop();
	start(120, 40, NULL);
	assert_false(screen_too_small());
	stop();
	start(79, 40, NULL);
	assert_true(screen_too_small());
	stop();
	start(200, 23, NULL);
	assert_true(screen_too_small());
	stop();
}

/* The message is centred on one line when it fits. */
static void
test_too_small_message(void **state)
{
	const char *msg = "Terminal too small: 60x20, need at least 80x24";
	char buf[128], want[128];
	int x = (60 - (int)strlen(msg)) / 2;

	start(60, 20, NULL);
	screen_draw_too_small();
	snprintf(want, sizeof want, "%*s%s", x, "", msg);
	assert_string_equal(row_text(10, buf, sizeof buf), want);
	assert_string_equal(row_text(9, buf, sizeof buf), "");
	assert_string_equal(row_text(11, buf, sizeof buf), "");
	stop();
}

/* In a narrow terminal the message splits over two centred lines. */
static void
test_too_small_narrow(void **state)
{
	char buf[64];

	start(30, 10, NULL);
	screen_draw_too_small();
	/* "Terminal too small: 30x10" is 25 wide: (30 - 25) / 2 = 2. */
	assert_string_equal(row_text(4, buf, sizeof buf),
	    "  Terminal too small: 30x10");
	/* "need at least 80x24" is 19 wide: (30 - 19) / 2 = 5. */
	assert_string_equal(row_text(5, buf, sizeof buf),
	    "     need at least 80x24");
	stop();
}

/* Keys come back as keymap codes: Meta from ESC, Enter from CR/LF, and
 * a lone ESC as Escape once ncurses' ESC delay has passed. */
static void
test_getkey(void **state)
{
	static const char input[] = "j\x1bx\r\n\x7f\x1bOA\xc3\xa9\x1b";
	int p[2];
	FILE *in;

	/* A pipe kept open, like a terminal: no end of file. */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], input, sizeof input - 1),
	    (ssize_t)sizeof input - 1);
	in = fdopen(p[0], "r");
	assert_non_null(in);
	setenv("LC_ALL", "C.UTF-8", 1);
	start(80, 24, in);
	assert_int_equal(screen_input_fd(), p[0]);
	assert_int_equal(screen_getkey(), 'j');
	assert_int_equal(screen_getkey(), 'x' | KEYMAP_META);
	assert_int_equal(screen_getkey(), KEYMAP_ENTER);
	assert_int_equal(screen_getkey(), KEYMAP_ENTER);
	assert_int_equal(screen_getkey(), KEYMAP_FKEY(KEY_BACKSPACE));
	assert_int_equal(screen_getkey(), KEYMAP_FKEY(KEY_UP));
	assert_int_equal(screen_getkey(), 0xe9);
	assert_int_equal(screen_getkey(), KEYMAP_ESCAPE);
	assert_int_equal(screen_getkey(), KEYMAP_NONE);
	stop();
	close(p[1]);
	unsetenv("LC_ALL");
}

/* Set-up errors come back as CM_IO with a message; nothing is started. */
static void
test_init_errors(void **state)
{
	struct screen_opts o;
	struct cm_err err;
	FILE *out = fopen("/dev/null", "w");
	char *term = getenv("TERM") ? strdup(getenv("TERM")) : NULL;

	memset(&o, 0, sizeof o);
	o.out = out;
	o.term = "no-such-terminal-type";
	assert_int_equal(screen_init(&o, &err), CM_IO);
	assert_string_equal(err.msg,
	    "cannot set up terminal \"no-such-terminal-type\"");
	assert_false(screen_active());
	o.term = NULL;
	unsetenv("TERM");
	assert_int_equal(screen_init(&o, &err), CM_IO);
	assert_string_equal(err.msg, "TERM is not set: cannot drive the "
	    "terminal");
	if (term != NULL)
		setenv("TERM", term, 1);
	free(term);
	/* Done without init, and twice, is harmless. */
	screen_done();
	screen_done();
	assert_int_equal(screen_rows(), 0);
	assert_int_equal(screen_getkey(), KEYMAP_NONE);
	fclose(out);
}

/* fatal() restores the terminal (leaves the alternate screen, shows the
 * cursor) before it aborts. */
static void
test_fatal_restores_terminal(void **state)
{
	char path[] = "/tmp/cm-screen-XXXXXX";
	char buf[8192];
	const char *smcup = "\x1b[?1049h", *rmcup = "\x1b[?1049l";
	const char *cnorm = "\x1b[?25h";
	char *on;
	size_t n;
	FILE *fp;
	pid_t pid;
	int fd, status;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct screen_opts o;
		struct cm_err err;

		assert_non_null(freopen("/dev/null", "w", stderr));
		memset(&o, 0, sizeof o);
		o.term = "xterm-256color";
		o.out = fopen(path, "w");
		o.in = fopen("/dev/null", "r");
		if (o.out == NULL || screen_init(&o, &err) != CM_OK)
			_exit(3);
		mvaddstr(1, 1, "drawn");
		refresh();
		fatal("broken invariant");
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	fp = fopen(path, "r");
	unlink(path);
	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	on = memmem(buf, n, smcup, strlen(smcup));
	assert_non_null(on);
	assert_non_null(memmem(on, n - (size_t)(on - buf), "drawn", 5));
	assert_non_null(memmem(on, n - (size_t)(on - buf), rmcup,
	    strlen(rmcup)));
	assert_non_null(memmem(on, n - (size_t)(on - buf), cnorm,
	    strlen(cnorm)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_too_small_message),
		cmocka_unit_test(test_too_small_narrow),
		cmocka_unit_test(test_getkey),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_fatal_restores_terminal),
	};

	return cmocka_run_group_tests_name("screen", tests, NULL, NULL);
}
