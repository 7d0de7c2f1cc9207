/*
 * test_vt.c - the screen-test harness's own tests, on real programs: sh
 * and printf for text, colours and terminal replies, tput for cursor
 * movement and the alternate screen, keyecho (an ncurses program in
 * keypad mode) for keys and resize, and the golden-file round trip in a
 * temporary directory.  Does not need the console or a hub.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend/xalloc.h"
#include "tests/tui/vt.h"

#define WAIT_MS 10000	/* generous: sanitizer and valgrind builds */

static char keyecho_path[4096];

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run a shell command line on a rows x cols terminal. */
static struct vt *
sh(int rows, int cols, const char *script, char *const envp[])
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };

	return vt_spawn(rows, cols, argv, envp);
}

static struct vt *
keyecho(int rows, int cols)
{
	char *argv[] = { keyecho_path, NULL };
	struct vt *vt = vt_spawn(rows, cols, argv, NULL);
	char ready[64];

	snprintf(ready, sizeof ready, "ready %dx%d", rows, cols);
	vt_expect_text(vt, ready, WAIT_MS);
	return vt;
}

/* Assert the whole row. */
static void
assert_row(struct vt *vt, int row, const char *want)
{
	char *got = vt_row_text(vt, row);

	assert_string_equal(got, want);
	free(got);
}

/* A program's text, trimmed rows, wide and combining characters. */
static void
test_screen_text(void **state)
{
	struct vt *vt = sh(6, 20,
	    "printf 'hello  \\nwide: a\346\227\245\346\234\254b\\n"
	    "comb: e\314\201\\na\\033[5Cb\\nrep: x\\033[3b'", NULL);
	char *text;
	int row, col;

	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	text = vt_screen_text(vt);
	assert_string_equal(text, "hello\n"
	    "wide: a\346\227\245\346\234\254b\n"
	    "comb: e\314\201\n"
	    "a     b\n"
	    "rep: xxxx\n"
	    "\n");
	free(text);
	/* The wide characters take columns 7-8 and 9-10. */
	assert_true(vt_find_text(vt, "\346\234\254b", &row, &col));
	assert_int_equal(row, 1);
	assert_int_equal(col, 9);
	assert_true(vt_find_text(vt, "b", &row, &col));
	assert_int_equal(row, 1);
	assert_int_equal(col, 11);
	assert_false(vt_find_text(vt, "absent", &row, &col));
	assert_true(vt_screen_contains(vt, "rep: xxxx"));
	vt_free(vt);
}

/* Bold, reverse, underline, 8/256/RGB colours land in the cells. */
static void
test_cell_attrs(void **state)
{
	struct vt *vt = sh(4, 60,
	    "printf '\\033[1;31mRED\\033[0m \\033[7mREV\\033[0m "
	    "\\033[38;5;202mORA\\033[0m \\033[42;4mGRN\\033[0m "
	    "\\033[38;2;1;2;3mRGB\\033[0m plain'", NULL);
	struct vt_attrs a;
	int row, col;

	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	assert_true(vt_find_text(vt, "RED", &row, &col));
	assert_true(vt_cell_attrs(vt, row, col + 2, &a));
	assert_true(a.bold);
	assert_false(a.reverse);
	assert_int_equal(a.fg, 1);
	assert_int_equal(a.bg, VT_COLOR_DEFAULT);

	assert_true(vt_find_text(vt, "REV", &row, &col));
	assert_true(vt_cell_attrs(vt, row, col, &a));
	assert_true(a.reverse);
	assert_false(a.bold);
	assert_int_equal(a.fg, VT_COLOR_DEFAULT);

	assert_true(vt_find_text(vt, "ORA", &row, &col));
	assert_true(vt_cell_attrs(vt, row, col, &a));
	assert_int_equal(a.fg, 202);

	assert_true(vt_find_text(vt, "GRN", &row, &col));
	assert_true(vt_cell_attrs(vt, row, col, &a));
	assert_int_equal(a.bg, 2);
	assert_true(a.underline);

	assert_true(vt_find_text(vt, "RGB", &row, &col));
	assert_true(vt_cell_attrs(vt, row, col, &a));
	assert_int_equal(a.fg, VT_COLOR_RGB(1, 2, 3));

	assert_true(vt_find_text(vt, "plain", &row, &col));
	assert_true(vt_cell_attrs(vt, row, col, &a));
	assert_false(a.bold || a.reverse || a.underline);
	assert_int_equal(a.fg, VT_COLOR_DEFAULT);

	assert_false(vt_cell_attrs(vt, 4, 0, &a));
	assert_false(vt_cell_attrs(vt, 0, 60, &a));
	vt_free(vt);
}

/* tput moves the cursor where terminfo says; clear empties the screen. */
static void
test_tput_cursor(void **state)
{
	struct vt *vt = sh(12, 40,
	    "printf 'junk'; clear; tput cup 5 10; printf X; tput cup 2 3; "
	    "printf Y", NULL);
	char *dump;
	size_t len;
	FILE *fp;
	int row, col;
	bool vis;

	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	assert_false(vt_screen_contains(vt, "junk"));
	assert_true(vt_find_text(vt, "X", &row, &col));
	assert_int_equal(row, 5);
	assert_int_equal(col, 10);
	assert_true(vt_find_text(vt, "Y", &row, &col));
	assert_int_equal(row, 2);
	assert_int_equal(col, 3);
	vt_cursor(vt, &row, &col, &vis);
	assert_int_equal(row, 2);
	assert_int_equal(col, 4);
	assert_true(vis);
	fp = open_memstream(&dump, &len);
	assert_non_null(fp);
	vt_dump(vt, fp);
	fclose(fp);
	assert_non_null(strstr(dump, "screen 12x40, cursor 2,4, "
	    "program closed the terminal:\n  0|\n"));
	assert_non_null(strstr(dump, "\n  5|          X\n"));
	free(dump);
	vt_free(vt);
}

/* smcup shows a separate screen; rmcup brings the first one back. */
static void
test_alternate_screen(void **state)
{
	struct vt *vt = sh(8, 40,
	    "printf before; tput smcup; printf 'in alt'; read -r x; "
	    "tput rmcup; printf after", NULL);

	vt_expect_text(vt, "in alt", WAIT_MS);
	assert_true(vt_altscreen(vt));
	assert_false(vt_screen_contains(vt, "before"));
	vt_send_keys(vt, "Enter");
	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	assert_false(vt_altscreen(vt));
	assert_false(vt_screen_contains(vt, "in alt"));
	assert_row(vt, 0, "beforeafter");
	vt_free(vt);
}

/* A cursor position request is answered by the terminal, as xterm does. */
static void
test_terminal_replies(void **state)
{
	struct vt *vt = sh(8, 40,
	    "stty -icanon -echo min 6 time 50; "
	    "printf '\\033[3;5H\\033[6n'; r=$(dd bs=6 count=1 2>/dev/null); "
	    "printf '\\033[1;1Hreply=%s.' \"${r#?}\"", NULL);

	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	assert_row(vt, 0, "reply=[3;5R.");
	vt_free(vt);
}

/* The child sees TERM, LANG, the window size and envp, not our COLUMNS. */
static void
test_spawn_env(void **state)
{
	char *envp[] = { "FOO=bar", "HOME", "CM_FAKE_NOW=1700000000", NULL };
	char *term[] = { "TERM=xterm", NULL };
	struct vt *vt;

	setenv("COLUMNS", "99", 1);
	setenv("LC_ALL", "C", 1);
	setenv("NO_COLOR", "1", 1);
	vt = sh(6, 70,
	    "printf '%s|%s|%s|%s|%s|%s|%s|%s\\n' \"$TERM\" \"$LANG\" "
	    "\"${COLUMNS-none}\" \"${LC_ALL-none}\" \"${NO_COLOR-none}\" "
	    "\"$FOO\" \"${HOME-none}\" \"$CM_FAKE_NOW\"; stty size", envp);
	unsetenv("COLUMNS");
	unsetenv("LC_ALL");
	unsetenv("NO_COLOR");
	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	assert_row(vt, 0,
	    "xterm-256color|C.UTF-8|none|none|none|bar|none|1700000000");
	assert_row(vt, 1, "6 70");
	vt_free(vt);

	vt = sh(4, 20, "printf '%s' \"$TERM\"", term);
	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	assert_row(vt, 0, "xterm");
	vt_free(vt);
}

/* Named keys reach an ncurses program in keypad mode as its KEY_ codes. */
static void
test_keys_keypad(void **state)
{
	static const char *const want[] = {
		"1 KEY_DOWN", "2 KEY_UP", "3 KEY_NPAGE", "4 KEY_PPAGE",
		"5 KEY_F(1)", "6 KEY_F(5)", "7 KEY_F(12)", "8 KEY_BTAB",
		"9 KEY_HOME", "10 KEY_END", "11 KEY_LEFT", "12 KEY_RIGHT",
		"13 KEY_DC", "14 KEY_IC", "15 KEY_BACKSPACE", "16 ^X",
		"17 ^C", "18 ^M", "19 ^I", "20 char U+006A j",
		"21 char U+003A :", "22 char U+0020",
	};
	struct vt *vt = keyecho(30, 60);
	size_t i;

	/* The rule is drawn with REP; the terminal must expand it. */
	vt_expect_text(vt, "\n========================================\n",
	    WAIT_MS);
	assert_row(vt, 1, "========================================");
	vt_send_keys(vt, "Down Up PageDown PageUp F1 F5 F12 BTab Home End "
	    "Left Right Delete Insert Backspace C-x C-c Enter Tab j : Space");
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		vt_expect_text(vt, want[i], WAIT_MS);
	assert_row(vt, 2, "1 KEY_DOWN");
	vt_send_keys(vt, "q");
	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	vt_free(vt);
}

/* A lone Escape arrives alone, M-x as ESC x; text goes as UTF-8. */
static void
test_keys_escape_and_text(void **state)
{
	struct vt *vt = keyecho(24, 80);

	vt_send_keys(vt, "Escape j Escape Down");
	vt_expect_text(vt, "1 ^[\n2 char U+006A j\n3 ^[\n4 KEY_DOWN\n",
	    WAIT_MS);
	vt_send_keys(vt, "M-x C-M-a M-Escape");
	vt_expect_text(vt, "5 M-char U+0078 x\n6 M-^A\n7 M-^[\n", WAIT_MS);
	vt_send_text(vt, "\303\251\346\227\245");
	vt_expect_text(vt, "8 char U+00E9 \303\251\n"
	    "9 char U+65E5 \346\227\245\n", WAIT_MS);
	vt_send_keys(vt, "q");
	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	vt_free(vt);
}

/* Cursor keys follow DECCKM: CSI A normally, SS3 A in application mode. */
static void
test_keys_cursor_mode(void **state)
{
	struct vt *vt;

	vt = sh(4, 40, "stty raw -echo; printf 'ok\\r\\n'; "
	    "dd bs=3 count=1 2>/dev/null | od -An -tx1", NULL);
	vt_expect_text(vt, "ok", WAIT_MS);
	vt_send_keys(vt, "Up");
	vt_expect_text(vt, "1b 5b 41", WAIT_MS);
	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	vt_free(vt);

	vt = sh(4, 40, "stty raw -echo; printf '\\033[?1hok\\r\\n'; "
	    "dd bs=3 count=1 2>/dev/null | od -An -tx1", NULL);
	vt_expect_text(vt, "ok", WAIT_MS);
	vt_send_keys(vt, "Up");
	vt_expect_text(vt, "1b 4f 41", WAIT_MS);
	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	vt_free(vt);
}

/* The key notation accepts names and modifiers and rejects the rest. */
static void
test_keys_valid(void **state)
{
	char bad[32];

	assert_true(vt_keys_valid("j j Enter C-c M-x C-M-x S-Up C-Up F12 "
	    "\303\251 Space BTab Esc Escape - C-Space C-[ G : /", bad,
	    sizeof bad));
	assert_true(vt_keys_valid("", bad, sizeof bad));
	assert_true(vt_keys_valid("  j   k  ", bad, sizeof bad));
	assert_false(vt_keys_valid("j F13 k", bad, sizeof bad));
	assert_string_equal(bad, "F13");
	assert_false(vt_keys_valid("jj", bad, sizeof bad));
	assert_string_equal(bad, "jj");
	assert_false(vt_keys_valid("Enterr", bad, sizeof bad));
	assert_string_equal(bad, "Enterr");
	assert_false(vt_keys_valid("C-1", bad, sizeof bad));
	assert_false(vt_keys_valid("S-x", bad, sizeof bad));
	assert_false(vt_keys_valid("F0", bad, sizeof bad));
	assert_false(vt_keys_valid("M-", bad, sizeof bad));
	assert_false(vt_keys_valid("up", NULL, 0));
}

/* Resizing reaches the program as KEY_RESIZE with the new LINES/COLS. */
static void
test_resize(void **state)
{
	struct vt *vt = keyecho(24, 80);
	int rows, cols;

	vt_resize(vt, 30, 100);
	vt_size(vt, &rows, &cols);
	assert_int_equal(rows, 30);
	assert_int_equal(cols, 100);
	vt_expect_text(vt, "KEY_RESIZE 30x100", WAIT_MS);
	vt_resize(vt, 10, 40);
	vt_expect_text(vt, "KEY_RESIZE 10x40", WAIT_MS);
	vt_send_keys(vt, "q");
	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	vt_free(vt);
}

/* Two terminals at once: each program gets only its own keys. */
static void
test_two_terminals(void **state)
{
	struct vt *a = keyecho(24, 80), *b = keyecho(24, 80);

	vt_send_keys(a, "Down");
	vt_send_keys(b, "Up");
	vt_expect_text(a, "1 KEY_DOWN", WAIT_MS);
	vt_expect_text(b, "1 KEY_UP", WAIT_MS);
	assert_false(vt_screen_contains(a, "KEY_UP"));
	assert_false(vt_screen_contains(b, "KEY_DOWN"));
	/* Freeing a running program hangs up its pty; it ends promptly. */
	vt_free(a);
	vt_send_keys(b, "q");
	assert_int_equal(vt_wait_exit(b, WAIT_MS), 0);
	vt_free(b);
}

/* Waits end at their deadline; stable means quiet for the given time. */
static void
test_waits(void **state)
{
	struct vt *vt;
	int64_t t0;

	vt = sh(4, 40, "printf a; sleep 0.3; printf b; read -r x", NULL);
	vt_expect_text(vt, "ab", WAIT_MS);
	t0 = now_ms();
	assert_false(vt_wait_text(vt, "never", 200));
	assert_true(now_ms() - t0 >= 200);
	assert_true(vt_wait_stable(vt, 100, WAIT_MS));
	assert_int_equal(vt_pump(vt, 0), 0);
	assert_false(vt_wait_gone(vt, "ab", 100));
	vt_send_keys(vt, "Enter");
	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	assert_int_equal(vt_pump(vt, 50), -1);
	vt_free(vt);

	vt = sh(4, 40, "while :; do printf .; sleep 0.02; done", NULL);
	t0 = now_ms();
	assert_false(vt_wait_stable(vt, 300, 600));
	assert_true(now_ms() - t0 >= 600);
	vt_free(vt);

	vt = sh(4, 40, "printf gone; read -r x; clear; printf here; "
	    "read -r x", NULL);
	vt_expect_text(vt, "gone", WAIT_MS);
	vt_send_keys(vt, "Enter");
	assert_true(vt_wait_gone(vt, "gone", WAIT_MS));
	vt_expect_text(vt, "here", WAIT_MS);
	vt_free(vt);
}

/* Exit statuses, signals, exec failures, timeouts and forced stops. */
static void
test_exit(void **state)
{
	char *missing[] = { "/nonexistent/prog", NULL };
	struct vt *vt;
	int pid;

	vt = sh(4, 40, "exit 3", NULL);
	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 3);
	vt_free(vt);

	vt = sh(4, 40, "kill -TERM $$", NULL);
	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 128 + SIGTERM);
	vt_free(vt);

	vt = vt_spawn(4, 60, missing, NULL);
	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 127);
	assert_true(vt_screen_contains(vt, "cannot run /nonexistent/prog"));
	vt_free(vt);

	vt = sh(4, 40, "printf waiting; read -r x", NULL);
	vt_expect_text(vt, "waiting", WAIT_MS);
	assert_int_equal(vt_wait_exit(vt, 100), -1);
	pid = vt_pid(vt);
	vt_free(vt);
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);

	/* Ignoring the hangup only buys it a second before SIGKILL. */
	vt = sh(4, 40, "trap '' HUP; printf deaf; exec sleep 30", NULL);
	vt_expect_text(vt, "deaf", WAIT_MS);
	pid = vt_pid(vt);
	vt_free(vt);
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);

	vt_free(NULL);
}

/* Masks replace volatile text before golden comparison, per row. */
static void
test_masks(void **state)
{
	struct vt *vt = sh(5, 60,
	    "printf 'up 12:34:56 on 127.0.0.1:40123\\nage 5s ago\\n5s\\nbbb'",
	    NULL);
	char *text;

	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	vt_mask(vt, "[0-9]{2}:[0-9]{2}:[0-9]{2}", "<time>");
	vt_mask(vt, ":[0-9]+$", ":<port>");
	vt_mask(vt, "^[0-9]+s", "<age>");
	/* '^' anchors at the row's start only, not after a replacement. */
	vt_mask(vt, "^b", "<b>");
	text = vt_golden_text(vt);
	assert_string_equal(text, "up <time> on 127.0.0.1:<port>\n"
	    "age 5s ago\n<age>\n<b>bb\n\n");
	free(text);
	/* The screen itself is untouched. */
	assert_true(vt_screen_contains(vt, "12:34:56"));
	vt_free(vt);
}

static char golden_dir[256];

static char *
golden_file(const char *name)
{
	return xasprintf("%s/%s.txt", golden_dir, name);
}

static char *
slurp(const char *path)
{
	char buf[4096];
	size_t n;
	FILE *fp = fopen(path, "r");

	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return xstrdup(buf);
}

static int
golden_setup(void **state)
{
	snprintf(golden_dir, sizeof golden_dir, "%s/cm-vt-XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(golden_dir) == NULL)
		return -1;
	setenv("CM_GOLDEN_DIR", golden_dir, 1);
	unsetenv("CM_UPDATE_GOLDEN");
	return 0;
}

static int
golden_teardown(void **state)
{
	static const char *const names[] = { "rt", "shell", "big" };
	size_t i;
	char *p;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		p = golden_file(names[i]);
		unlink(p);
		free(p);
	}
	rmdir(golden_dir);
	unsetenv("CM_GOLDEN_DIR");
	unsetenv("CM_UPDATE_GOLDEN");
	return 0;
}

/* Update writes the file; the next run matches; a change is reported. */
static void
test_golden_round_trip(void **state)
{
	char *report = NULL, *p, *content;

	assert_int_equal(vt_golden_check("rt", "a\nb\n", &report),
	    VT_GOLDEN_MISSING);
	assert_non_null(strstr(report, "CM_UPDATE_GOLDEN=1"));
	free(report);

	setenv("CM_UPDATE_GOLDEN", "1", 1);
	assert_int_equal(vt_golden_check("rt", "a\nb\n", &report),
	    VT_GOLDEN_UPDATED);
	assert_null(report);
	p = golden_file("rt");
	content = slurp(p);
	assert_string_equal(content, "a\nb\n");
	free(content);
	assert_int_equal(vt_golden_check("rt", "a\nb\n", NULL),
	    VT_GOLDEN_MATCH);

	setenv("CM_UPDATE_GOLDEN", "0", 1);
	assert_int_equal(vt_golden_check("rt", "a\nb\n", &report),
	    VT_GOLDEN_MATCH);
	assert_null(report);
	assert_int_equal(vt_golden_check("rt", "a\nc\n", &report),
	    VT_GOLDEN_DIFFERS);
	assert_non_null(strstr(report, "--- "));
	assert_non_null(strstr(report, "rt.txt (expected)\n"));
	assert_non_null(strstr(report, "@@ -1,2 +1,2 @@\n a\n-b\n+c\n"));
	free(report);
	/* A failed comparison leaves the file alone. */
	content = slurp(p);
	assert_string_equal(content, "a\nb\n");
	free(content);
	free(p);

	assert_int_equal(vt_golden_check("rt", "a\nb", &report),
	    VT_GOLDEN_DIFFERS);
	assert_non_null(strstr(report, "final newline differs"));
	free(report);
}

/* The diff shows an inserted row as one '+' line, with 3 rows of context. */
static void
test_golden_diff(void **state)
{
	char expected[512], actual[512], *report;
	int i;

	expected[0] = '\0';
	actual[0] = '\0';
	/* actual: row 12 replaced, "new" inserted after row 19. */
	for (i = 1; i <= 24; i++) {
		snprintf(expected + strlen(expected),
		    sizeof expected - strlen(expected), "row %d\n", i);
		if (i == 12)
			snprintf(actual + strlen(actual),
			    sizeof actual - strlen(actual), "changed\n");
		else
			snprintf(actual + strlen(actual),
			    sizeof actual - strlen(actual), "row %d\n", i);
		if (i == 19)
			snprintf(actual + strlen(actual),
			    sizeof actual - strlen(actual), "new\n");
	}
	setenv("CM_UPDATE_GOLDEN", "1", 1);
	assert_int_equal(vt_golden_check("big", expected, NULL),
	    VT_GOLDEN_UPDATED);
	unsetenv("CM_UPDATE_GOLDEN");
	assert_int_equal(vt_golden_check("big", actual, &report),
	    VT_GOLDEN_DIFFERS);
	assert_non_null(strstr(report, "@@ -9,7 +9,7 @@\n row 9\n row 10\n"
	    " row 11\n-row 12\n+changed\n row 13\n row 14\n row 15\n"));
	assert_non_null(strstr(report, "@@ -17,6 +17,7 @@\n row 17\n"
	    " row 18\n row 19\n+new\n"));
	assert_null(strstr(report, "row 1\n"));
	assert_null(strstr(report, "-row 20"));
	free(report);
}

/* Bad names cannot escape the golden directory. */
static void
test_golden_bad_names(void **state)
{
	static const char *const bad[] = {
		"../evil", ".hidden", "a/b", "", "sp ace",
	};
	char *report;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(vt_golden_check(bad[i], "x\n", &report),
		    VT_GOLDEN_ERROR);
		assert_non_null(strstr(report, "bad golden screen name"));
		free(report);
	}
	assert_int_equal(vt_golden_check(NULL, "x\n", NULL),
	    VT_GOLDEN_ERROR);
}

/* A real screen through vt_assert_golden: written once, then matched. */
static void
test_golden_screen(void **state)
{
	struct vt *vt = sh(5, 30, "printf 'title\\n  at 10:11:12\\n'", NULL);
	char *p, *content, *report;

	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	vt_mask(vt, "[0-9]+:[0-9]+:[0-9]+", "<time>");
	setenv("CM_UPDATE_GOLDEN", "1", 1);
	vt_assert_golden(vt, "shell");
	unsetenv("CM_UPDATE_GOLDEN");
	p = golden_file("shell");
	content = slurp(p);
	assert_string_equal(content, "title\n  at <time>\n\n\n\n");
	free(content);
	free(p);
	vt_assert_golden(vt, "shell");
	/* The same screen without the mask is a difference. */
	content = vt_screen_text(vt);
	assert_int_equal(vt_golden_check("shell", content, &report),
	    VT_GOLDEN_DIFFERS);
	assert_non_null(strstr(report, "-  at <time>\n+  at 10:11:12\n"));
	free(report);
	free(content);
	vt_free(vt);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_screen_text),
		cmocka_unit_test(test_cell_attrs),
		cmocka_unit_test(test_tput_cursor),
		cmocka_unit_test(test_alternate_screen),
		cmocka_unit_test(test_terminal_replies),
		cmocka_unit_test(test_spawn_env),
		cmocka_unit_test(test_keys_keypad),
		cmocka_unit_test(test_keys_escape_and_text),
		cmocka_unit_test(test_keys_cursor_mode),
		cmocka_unit_test(test_keys_valid),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_two_terminals),
		cmocka_unit_test(test_waits),
		cmocka_unit_test(test_exit),
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_golden_round_trip),
		cmocka_unit_test(test_golden_diff),
		cmocka_unit_test(test_golden_bad_names),
		cmocka_unit_test(test_golden_screen),
	};
	const char *top = getenv("top_builddir");
	const char *slash = strrchr(argv[0], '/');

	if (top != NULL && top[0] != '\0')
		snprintf(keyecho_path, sizeof keyecho_path,
		    "%s/tests/tui/keyecho", top);
	else if (slash != NULL)
		snprintf(keyecho_path, sizeof keyecho_path, "%.*s/keyecho",
		    (int)(slash - argv[0]), argv[0]);
	else
		snprintf(keyecho_path, sizeof keyecho_path, "./keyecho");
	return cmocka_run_group_tests_name("vt", tests, golden_setup,
	    golden_teardown);
}
