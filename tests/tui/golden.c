/*
 * golden.c - golden screen files for the screen tests.  See golden.h.
 *
 * Masks are POSIX extended regexes compiled with REG_NEWLINE, so "^" and
 * "$" anchor at row edges; a match is replaced once, left to right, and
 * "^" does not match again after a replacement.  Files are replaced
 * atomically (write a temporary, rename), so an interrupted update never
 * leaves half a screen.  The diff is a longest-common-subsequence line
 * diff with three lines of context: quadratic in lines, which is cheap
 * for screens; texts over 2000 lines are not diffed.
 *
 * Not here: reading the terminal (vt.c) or deciding what is volatile
 * (each test adds its masks).
 */
#include "config.h"

#include "tests/tui/golden.h"

#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend/xalloc.h"
#include "tests/tui/vt.h"

#define GOLDEN_MASK_MAX 32
#define GOLDEN_FILE_MAX (1 << 20)
#define GOLDEN_DIFF_CONTEXT 3
#define GOLDEN_DIFF_MAX_LINES 2000

struct golden_mask {
	regex_t re;
	char *token;
};

struct golden_masks {
	struct golden_mask v[GOLDEN_MASK_MAX];
	int n;
};

/* A string built with stdio; stream_close() finishes it in *s. */
static FILE *
stream_open(char **s, size_t *len)
{
	FILE *fp = open_memstream(s, len);

	if (fp == NULL)
		fatal("open_memstream: %s", strerror(errno));
	return fp;
}

static void
stream_close(FILE *fp)
{
	if (fclose(fp) != 0)
		fatal("open_memstream: %s", strerror(errno));
}

struct golden_masks *
golden_masks_new(void)
{
	return xcalloc(1, sizeof(struct golden_masks));
}

void
golden_masks_free(struct golden_masks *m)
{
	int i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		regfree(&m->v[i].re);
		free(m->v[i].token);
	}
	free(m);
}

void
golden_masks_add(struct golden_masks *m, const char *regex,
    const char *token)
{
	struct golden_mask *g;
	char msg[256];
	int rc;

	if (m->n == GOLDEN_MASK_MAX)
		fail_msg("vt_mask: more than %d masks", GOLDEN_MASK_MAX);
	g = &m->v[m->n];
	rc = regcomp(&g->re, regex, REG_EXTENDED | REG_NEWLINE);
	if (rc != 0) {
		regerror(rc, &g->re, msg, sizeof msg);
		fail_msg("vt_mask: bad regex \"%s\": %s", regex, msg);
	}
	g->token = xstrdup(token);
	m->n++;
}

/* text with every match of re replaced by token; caller frees. */
static char *
mask_apply(const char *text, const regex_t *re, const char *token)
{
	const char *p = text;
	regmatch_t m;
	size_t len;
	char *out;
	FILE *fp;
	int eflags;

	fp = stream_open(&out, &len);
	for (;;) {
		eflags = p > text && p[-1] != '\n' ? REG_NOTBOL : 0;
		if (*p == '\0' || regexec(re, p, 1, &m, eflags) != 0)
			break;
		fwrite(p, 1, (size_t)m.rm_so, fp);
		fputs(token, fp);
		p += m.rm_eo;
		if (m.rm_eo == m.rm_so) {
			/* An empty match: keep one byte and look further. */
			if (*p == '\0')
				break;
			fwrite(p, 1, 1, fp);
			p++;
		}
	}
	fputs(p, fp);
	stream_close(fp);
	return out;
}

char *
golden_masks_apply(const struct golden_masks *m, const char *text)
{
	char *out = xstrdup(text), *masked;
	int i;

	for (i = 0; m != NULL && i < m->n; i++) {
		masked = mask_apply(out, &m->v[i].re, m->v[i].token);
		free(out);
		out = masked;
	}
	return out;
}

static bool
golden_name_ok(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0' || name[0] == '.' ||
	    strlen(name) > 128)
		return false;
	for (i = 0; name[i] != '\0'; i++) {
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '-' || name[i] == '_' || name[i] == '.'))
			return false;
	}
	return true;
}

static char *
golden_path(const char *name)
{
	const char *dir = getenv("CM_GOLDEN_DIR");
	const char *top = getenv("top_srcdir");

	if (dir != NULL && dir[0] != '\0')
		return xasprintf("%s/%s.txt", dir, name);
	if (top != NULL && top[0] != '\0')
		return xasprintf("%s/tests/screens/%s.txt", top, name);
	return xasprintf("tests/screens/%s.txt", name);
}

static bool
golden_updating(void)
{
	const char *v = getenv("CM_UPDATE_GOLDEN");

	return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

/* The whole file, or NULL with *err set (ENOENT: no such file). */
static char *
file_read(const char *path, int *err)
{
	char chunk[4096], *text;
	size_t n, len, total = 0;
	FILE *fp, *out;
	int e = 0;

	fp = fopen(path, "r");
	if (fp == NULL) {
		*err = errno;
		return NULL;
	}
	out = stream_open(&text, &len);
	while (e == 0 && (n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		fwrite(chunk, 1, n, out);
		total += n;
		if (total > GOLDEN_FILE_MAX)
			e = EFBIG;
	}
	if (e == 0 && ferror(fp))
		e = EIO;
	fclose(fp);
	stream_close(out);
	if (e != 0) {
		*err = e;
		free(text);
		return NULL;
	}
	return text;
}

/* Replace path's content atomically; on failure *msg says why. */
static bool
file_write(const char *path, const char *text, char **msg)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	size_t len = strlen(text);
	bool ok = false;
	FILE *fp;

	fp = fopen(tmp, "w");
	if (fp == NULL)
		goto out;
	if (fwrite(text, 1, len, fp) != len) {
		fclose(fp);
		goto out;
	}
	if (fclose(fp) != 0)
		goto out;
	if (rename(tmp, path) != 0)
		goto out;
	ok = true;
out:
	if (!ok) {
		*msg = xasprintf("cannot write %s: %s\n", path,
		    strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok;
}

struct lines {
	char *store;
	char **v;
	size_t n;
};

/* Split at '\n'; a final '\n' ends the last line. */
static void
lines_split(const char *text, struct lines *l)
{
	const char *q;
	char *p;
	size_t cap = 1;

	for (q = text; *q != '\0'; q++)
		cap += *q == '\n';
	l->store = xstrdup(text);
	l->v = xcalloc(cap + 1, sizeof *l->v);
	l->n = 0;
	p = l->store;
	while (*p != '\0') {
		l->v[l->n++] = p;
		p += strcspn(p, "\n");
		if (*p == '\n')
			*p++ = '\0';
	}
}

static void
lines_free(struct lines *l)
{
	free(l->store);
	free(l->v);
}

struct diff_op {
	char kind;		/* ' ' both, '-' expected, '+' actual */
	size_t a;		/* index in expected */
	size_t b;		/* index in actual */
};

/* Edit script by longest common subsequence; *nops gets its length. */
static struct diff_op *
diff_ops(const struct lines *a, const struct lines *b, size_t *nops)
{
	size_t n = a->n, m = b->n, i, j, k = 0;
	unsigned *lcs;
	struct diff_op *ops;

	lcs = xcalloc((n + 1) * (m + 1), sizeof *lcs);
#define LCS(x, y) lcs[(x) * (m + 1) + (y)]
	for (i = n; i-- > 0;) {
		for (j = m; j-- > 0;) {
			if (strcmp(a->v[i], b->v[j]) == 0)
				LCS(i, j) = LCS(i + 1, j + 1) + 1;
			else if (LCS(i + 1, j) >= LCS(i, j + 1))
				LCS(i, j) = LCS(i + 1, j);
			else
				LCS(i, j) = LCS(i, j + 1);
		}
	}
	ops = xcalloc(n + m + 1, sizeof *ops);
	i = 0;
	j = 0;
	while (i < n || j < m) {
		ops[k].a = i;
		ops[k].b = j;
		if (i < n && j < m && strcmp(a->v[i], b->v[j]) == 0) {
			ops[k].kind = ' ';
			i++;
			j++;
		} else if (j == m ||
		    (i < n && LCS(i + 1, j) >= LCS(i, j + 1))) {
			ops[k].kind = '-';
			i++;
		} else {
			ops[k].kind = '+';
			j++;
		}
		k++;
	}
#undef LCS
	free(lcs);
	*nops = k;
	return ops;
}

/* Unified diff of expected (the file at path) and actual; caller frees. */
static char *
diff_unified(const char *expected, const char *actual, const char *path)
{
	struct lines a, b;
	struct diff_op *ops;
	size_t nops, k, start, end, last, j, na, nb, len;
	char *text;
	FILE *out;

	lines_split(expected, &a);
	lines_split(actual, &b);
	out = stream_open(&text, &len);
	fprintf(out, "--- %s (expected)\n+++ screen (actual)\n", path);
	if (a.n > GOLDEN_DIFF_MAX_LINES || b.n > GOLDEN_DIFF_MAX_LINES) {
		fputs("(too long to diff)\n", out);
		goto done;
	}
	ops = diff_ops(&a, &b, &nops);
	k = 0;
	while (k < nops) {
		if (ops[k].kind == ' ') {
			k++;
			continue;
		}
		start = k > GOLDEN_DIFF_CONTEXT ? k - GOLDEN_DIFF_CONTEXT : 0;
		/* Extend over changes less than two contexts apart. */
		last = k;
		for (j = k; j < nops; j++) {
			if (ops[j].kind != ' ')
				last = j;
			else if (j - last > 2 * GOLDEN_DIFF_CONTEXT)
				break;
		}
		end = last + 1 + GOLDEN_DIFF_CONTEXT;
		if (end > nops)
			end = nops;
		na = 0;
		nb = 0;
		for (j = start; j < end; j++) {
			na += ops[j].kind != '+';
			nb += ops[j].kind != '-';
		}
		fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n",
		    ops[start].a + (na > 0), na, ops[start].b + (nb > 0), nb);
		for (j = start; j < end; j++)
			fprintf(out, "%c%s\n", ops[j].kind,
			    ops[j].kind == '+' ? b.v[ops[j].b] : a.v[ops[j].a]);
		k = end;
	}
	free(ops);
	/* The header is written, so text is not empty. */
	fflush(out);
	if (strcmp(expected, actual) != 0 && strstr(text, "\n@@") == NULL)
		fputs("(only the final newline differs)\n", out);
done:
	lines_free(&a);
	lines_free(&b);
	stream_close(out);
	return text;
}

enum vt_golden
vt_golden_check(const char *name, const char *text, char **report)
{
	enum vt_golden res;
	char *path = NULL, *old = NULL, *msg = NULL;
	int err = 0;

	if (!golden_name_ok(name)) {
		msg = xasprintf("bad golden screen name \"%s\"\n",
		    name != NULL ? name : "(null)");
		res = VT_GOLDEN_ERROR;
		goto out;
	}
	path = golden_path(name);
	old = file_read(path, &err);
	if (old == NULL && err != ENOENT) {
		msg = xasprintf("cannot read %s: %s\n", path, strerror(err));
		res = VT_GOLDEN_ERROR;
		goto out;
	}
	if (old != NULL && strcmp(old, text) == 0) {
		res = VT_GOLDEN_MATCH;
		goto out;
	}
	if (golden_updating()) {
		res = file_write(path, text, &msg) ? VT_GOLDEN_UPDATED :
		    VT_GOLDEN_ERROR;
		goto out;
	}
	if (old == NULL) {
		msg = xasprintf("%s does not exist: run the test with "
		    "CM_UPDATE_GOLDEN=1 to write it, then review it\n", path);
		res = VT_GOLDEN_MISSING;
		goto out;
	}
	msg = diff_unified(old, text, path);
	res = VT_GOLDEN_DIFFERS;
out:
	free(path);
	free(old);
	if (report != NULL)
		*report = msg;
	else
		free(msg);
	return res;
}

void
vt_assert_golden(struct vt *vt, const char *name)
{
	char *text, *report = NULL;
	enum vt_golden res;

	/*
	 * Let a redraw in flight land before reading the screen: take in
	 * what is ready, without waiting.
	 */
	vt_pump(vt, 0);
	text = vt_golden_text(vt);
	res = vt_golden_check(name, text, &report);
	free(text);
	if (res == VT_GOLDEN_UPDATED)
		fprintf(stderr, "vt: updated golden screen %s\n", name);
	if (res == VT_GOLDEN_MATCH || res == VT_GOLDEN_UPDATED)
		return;
	fputs(report, stderr);
	free(report);
	vt_dump(vt, stderr);
	fail_msg("vt: screen differs from golden \"%s\" (CM_UPDATE_GOLDEN=1 "
	    "rewrites it)", name);
}
