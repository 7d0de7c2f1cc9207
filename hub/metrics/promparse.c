/*
 * promparse.c - the Prometheus text exposition parser.  See promparse.h.
 *
 * One line at a time, by hand, with a position that errors report: the
 * grammar is small (comments, HELP, TYPE, samples) and the input comes
 * from clusters we do not control, so every token is checked against
 * its character class and every buffer has a bound.  Nothing here
 * allocates.
 */
#include "config.h"

#include "hub/metrics/promparse.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const prom_type_names[] = {
	"untyped", "counter", "gauge", "histogram", "summary",
};

const char *
promparse_type_name(enum prom_type t)
{
	if ((unsigned)t >= sizeof prom_type_names / sizeof prom_type_names[0])
		return "untyped";
	return prom_type_names[t];
}

void
promparse_init(struct prom_parser *pp, const char *buf, size_t len)
{
	memset(pp, 0, sizeof *pp);
	pp->buf = buf;
	pp->len = len;
	pp->line = 1;
}

const char *
promparse_label(const struct prom_sample *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i].name, name) == 0)
			return s->labels[i].value;
	return NULL;
}

/* Fail at the current position: "LINE:COL: message". */
static int
prom_fail(struct prom_parser *pp, struct cm_err *err, const char *fmt, ...)
{
	char msg[CM_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cm_err_set(err, CM_VALIDATION, NULL, "%u:%zu: %s", pp->line,
	    pp->pos - pp->line_start + 1, msg);
	pp->failed = true;
	return -1;
}

/* The current byte, or '\n' at the end of the input (ends the line). */
static int
prom_peek(const struct prom_parser *pp)
{
	return pp->pos < pp->len ? (unsigned char)pp->buf[pp->pos] : '\n';
}

static void
prom_blanks(struct prom_parser *pp)
{
	while (pp->pos < pp->len && (pp->buf[pp->pos] == ' ' ||
	    pp->buf[pp->pos] == '\t'))
		pp->pos++;
}

/* At the end of the line (a "\r" before "\n" is tolerated). */
static bool
prom_eol(const struct prom_parser *pp)
{
	int c = prom_peek(pp);

	if (c == '\r' && (pp->pos + 1 >= pp->len ||
	    pp->buf[pp->pos + 1] == '\n'))
		return true;
	return c == '\n';
}

/* Step over the end of the line and count it. */
static void
prom_next_line(struct prom_parser *pp)
{
	while (pp->pos < pp->len && pp->buf[pp->pos] != '\n')
		pp->pos++;
	if (pp->pos < pp->len)
		pp->pos++;
	pp->line++;
	pp->line_start = pp->pos;
}

static bool
prom_name_char(int c, bool first, bool colon)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	if (colon && c == ':')
		return true;
	return !first && c >= '0' && c <= '9';
}

/*
 * Read a metric name (colon true: [a-zA-Z_:][a-zA-Z0-9_:]*) or a label
 * name ([a-zA-Z_][a-zA-Z0-9_]*) into out (PROM_NAME_MAX bytes).
 */
static int
prom_name(struct prom_parser *pp, char *out, bool colon, const char *what,
    struct cm_err *err)
{
	size_t n = 0;

	if (!prom_name_char(prom_peek(pp), true, colon))
		return prom_fail(pp, err, "expected a %s", what);
	while (prom_name_char(prom_peek(pp), n == 0, colon)) {
		if (n + 1 >= PROM_NAME_MAX)
			return prom_fail(pp, err, "%s longer than %d bytes",
			    what, PROM_NAME_MAX - 1);
		out[n++] = pp->buf[pp->pos++];
	}
	out[n] = '\0';
	return 0;
}

/* Read a token up to a blank or the end of the line into out. */
static size_t
prom_token(struct prom_parser *pp, char *out, size_t cap)
{
	size_t n = 0;

	while (!prom_eol(pp) && prom_peek(pp) != ' ' &&
	    prom_peek(pp) != '\t') {
		if (n + 1 < cap)
			out[n] = pp->buf[pp->pos];
		n++;
		pp->pos++;
	}
	out[n < cap ? n : cap - 1] = '\0';
	return n;
}

/* Parse a float as Go's ParseFloat does: NaN, Inf, +Inf, -Inf too. */
static bool
prom_float(const char *s, double *out)
{
	const char *p = s;
	char *end;

	if (*p == '+' || *p == '-')
		p++;
	if (strcasecmp(p, "nan") == 0) {
		*out = NAN;
		return true;
	}
	if (strcasecmp(p, "inf") == 0 || strcasecmp(p, "infinity") == 0) {
		*out = *s == '-' ? -INFINITY : INFINITY;
		return true;
	}
	if (*p == '\0' || !((*p >= '0' && *p <= '9') || *p == '.'))
		return false;
	errno = 0;
	*out = strtod(s, &end);
	if (*end != '\0')
		return false;
	/* an overflow is +-Inf, as in Go; an underflow is 0 */
	return true;
}

/* Make name the current family (a new one when it differs). */
static void
prom_family(struct prom_parser *pp, const char *name)
{
	if (strcmp(pp->family, name) == 0)
		return;
	snprintf(pp->family, sizeof pp->family, "%s", name);
	pp->family_type = PROM_UNTYPED;
	pp->family_typed = false;
	pp->family_sampled = false;
	pp->has_help = false;
}

/* The sample's family and type from the last TYPE line. */
static int
prom_classify(struct prom_parser *pp, struct prom_sample *s,
    struct cm_err *err)
{
	size_t flen = strlen(pp->family), nlen = strlen(s->name);
	const char *suffix = NULL;

	s->type = PROM_UNTYPED;
	s->family = s->name;
	s->help = NULL;
	if (flen > 0 && nlen >= flen &&
	    strncmp(s->name, pp->family, flen) == 0)
		suffix = s->name + flen;
	if (suffix == NULL)
		goto own;
	if (*suffix == '\0') {
		s->family = pp->family;
		s->help = pp->has_help ? pp->help : NULL;
		s->type = pp->family_type;
	} else if ((pp->family_type == PROM_HISTOGRAM &&
	    (strcmp(suffix, "_bucket") == 0 || strcmp(suffix, "_sum") == 0 ||
	    strcmp(suffix, "_count") == 0)) ||
	    (pp->family_type == PROM_SUMMARY &&
	    (strcmp(suffix, "_sum") == 0 || strcmp(suffix, "_count") == 0))) {
		s->family = pp->family;
		s->help = pp->has_help ? pp->help : NULL;
		s->type = pp->family_type;
	} else {
		goto own;
	}
	pp->family_sampled = true;
	if (s->type == PROM_HISTOGRAM) {
		if (*suffix == '\0')
			return prom_fail(pp, err, "histogram %s: a sample needs "
			    "the suffix _bucket, _sum or _count", pp->family);
		if (strcmp(suffix, "_bucket") == 0 &&
		    promparse_label(s, "le") == NULL)
			return prom_fail(pp, err, "histogram bucket %s has no "
			    "\"le\" label", s->name);
	}
	if (s->type == PROM_SUMMARY && *suffix == '\0' &&
	    promparse_label(s, "quantile") == NULL)
		return prom_fail(pp, err, "summary %s: a sample without suffix "
		    "needs a \"quantile\" label", s->name);
	return 0;
own:
	/* an untyped family of its own: a TYPE for it now comes too late */
	prom_family(pp, s->name);
	pp->family_sampled = true;
	s->family = pp->family;
	return 0;
}

/* Read a quoted label value into pp->text at *used, undoing escapes. */
static int
prom_label_value(struct prom_parser *pp, size_t *used, struct cm_err *err)
{
	int c;

	if (prom_peek(pp) != '"')
		return prom_fail(pp, err, "expected '\"' to open a label value");
	pp->pos++;
	for (;;) {
		if (pp->pos >= pp->len || pp->buf[pp->pos] == '\n')
			return prom_fail(pp, err, "label value not closed by "
			    "'\"'");
		c = (unsigned char)pp->buf[pp->pos];
		if (c == '"')
			break;
		if (c == '\\') {
			pp->pos++;
			c = pp->pos < pp->len ? (unsigned char)pp->buf[pp->pos] :
			    0;
			if (c == 'n')
				c = '\n';
			else if (c != '\\' && c != '"' && pp->pos-- > 0)
				return prom_fail(pp, err, "unknown escape in a "
				    "label value (only \\\\, \\\" and \\n)");
		}
		if (c == '\0')
			return prom_fail(pp, err, "NUL byte in a label value");
		if (*used + 1 >= sizeof pp->text)
			return prom_fail(pp, err, "label values longer than "
			    "%d bytes", PROM_TEXT_MAX - 1);
		pp->text[(*used)++] = (char)c;
		pp->pos++;
	}
	pp->pos++;
	pp->text[(*used)++] = '\0';
	return 0;
}

/* Read "{name="value",...}" into s. */
static int
prom_labels(struct prom_parser *pp, struct prom_sample *s,
    struct cm_err *err)
{
	char name[PROM_NAME_MAX];
	size_t used = 0, i, nlen, at;

	pp->pos++;			/* '{' */
	for (;;) {
		prom_blanks(pp);
		if (prom_peek(pp) == '}')
			break;
		if (s->nlabels == PROM_LABELS_MAX)
			return prom_fail(pp, err, "more than %d labels",
			    PROM_LABELS_MAX);
		at = pp->pos;
		if (prom_name(pp, name, false, "label name", err) < 0)
			return -1;
		for (i = 0; i < s->nlabels; i++)
			if (strcmp(s->labels[i].name, name) == 0) {
				pp->pos = at;
				return prom_fail(pp, err, "label %s given "
				    "twice", name);
			}
		nlen = strlen(name) + 1;
		if (used + nlen >= sizeof pp->text)
			return prom_fail(pp, err, "label values longer than "
			    "%d bytes", PROM_TEXT_MAX - 1);
		memcpy(pp->text + used, name, nlen);
		s->labels[s->nlabels].name = pp->text + used;
		used += nlen;
		prom_blanks(pp);
		if (prom_peek(pp) != '=')
			return prom_fail(pp, err, "expected '=' after label "
			    "name %s", name);
		pp->pos++;
		prom_blanks(pp);
		s->labels[s->nlabels].value = pp->text + used;
		if (prom_label_value(pp, &used, err) < 0)
			return -1;
		s->nlabels++;
		prom_blanks(pp);
		if (prom_peek(pp) == ',') {
			pp->pos++;
			continue;
		}
		if (prom_peek(pp) != '}')
			return prom_fail(pp, err, "expected ',' or '}' after "
			    "a label value");
		break;
	}
	pp->pos++;			/* '}' */
	return 0;
}

/* A sample line; the position is at its metric name. */
static int
prom_sample_line(struct prom_parser *pp, struct prom_sample *s,
    struct cm_err *err)
{
	char tok[128], *end;
	size_t n;
	long long ts;

	s->nlabels = 0;
	s->has_timestamp = false;
	s->timestamp_ms = 0;
	if (prom_name(pp, s->name, true, "metric name", err) < 0)
		return -1;
	prom_blanks(pp);
	if (prom_peek(pp) == '{' && prom_labels(pp, s, err) < 0)
		return -1;
	prom_blanks(pp);
	if (prom_eol(pp))
		return prom_fail(pp, err, "expected a value after %s",
		    s->name);
	n = prom_token(pp, tok, sizeof tok);
	if (n >= sizeof tok || !prom_float(tok, &s->value)) {
		pp->pos -= n;
		return prom_fail(pp, err, "\"%.40s\" is not a number", tok);
	}
	prom_blanks(pp);
	if (!prom_eol(pp)) {
		n = prom_token(pp, tok, sizeof tok);
		errno = 0;
		ts = strtoll(tok, &end, 10);
		if (n >= sizeof tok || n == 0 || *end != '\0' ||
		    errno == ERANGE || !((tok[0] >= '0' && tok[0] <= '9') ||
		    (tok[0] == '-' && tok[1] >= '0' && tok[1] <= '9'))) {
			pp->pos -= n;
			return prom_fail(pp, err, "\"%.40s\" is not a timestamp "
			    "(integer milliseconds)", tok);
		}
		s->has_timestamp = true;
		s->timestamp_ms = ts;
		prom_blanks(pp);
		if (!prom_eol(pp))
			return prom_fail(pp, err, "unexpected text after the "
			    "timestamp");
	}
	if (prom_classify(pp, s, err) < 0)
		return -1;
	if (s->type == PROM_HISTOGRAM && promparse_label(s, "le") != NULL &&
	    strlen(s->name) > 7 &&
	    strcmp(s->name + strlen(s->name) - 7, "_bucket") == 0 &&
	    !prom_float(promparse_label(s, "le"), &(double){ 0 }))
		return prom_fail(pp, err, "histogram bucket %s: \"le\" is not "
		    "a number", s->name);
	if (s->type == PROM_SUMMARY && promparse_label(s, "quantile") != NULL &&
	    !prom_float(promparse_label(s, "quantile"), &(double){ 0 }))
		return prom_fail(pp, err, "summary %s: \"quantile\" is not a "
		    "number", s->name);
	prom_next_line(pp);
	return 1;
}

/* The rest of a HELP line, unescaped (\\ and \n), into pp->help. */
static void
prom_help_text(struct prom_parser *pp)
{
	size_t n = 0;
	int c;

	while (!prom_eol(pp)) {
		c = (unsigned char)pp->buf[pp->pos++];
		if (c == '\\' && !prom_eol(pp)) {
			c = (unsigned char)pp->buf[pp->pos];
			if (c == 'n') {
				c = '\n';
				pp->pos++;
			} else if (c == '\\') {
				pp->pos++;
			} else {
				c = '\\';
			}
		}
		if (c != '\0' && n + 1 < sizeof pp->help)
			pp->help[n++] = (char)c;
	}
	pp->help[n] = '\0';
}

/* A "#" line: HELP, TYPE or a comment.  Position after the '#'. */
static int
prom_comment(struct prom_parser *pp, struct cm_err *err)
{
	static const char *const types[] = { "untyped", "counter", "gauge",
	    "histogram", "summary" };
	char word[16], name[PROM_NAME_MAX], tok[32];
	size_t n, i;

	prom_blanks(pp);
	n = prom_token(pp, word, sizeof word);
	if ((strcmp(word, "HELP") != 0 && strcmp(word, "TYPE") != 0) ||
	    n >= sizeof word || (prom_peek(pp) != ' ' &&
	    prom_peek(pp) != '\t')) {
		prom_next_line(pp);	/* an ordinary comment */
		return 0;
	}
	prom_blanks(pp);
	if (prom_name(pp, name, true, "metric name", err) < 0)
		return -1;
	if (!prom_eol(pp) && prom_peek(pp) != ' ' && prom_peek(pp) != '\t')
		return prom_fail(pp, err, "bad character in metric name");
	prom_family(pp, name);
	prom_blanks(pp);
	if (word[0] == 'H') {
		if (pp->has_help)
			return prom_fail(pp, err, "second HELP line for %s",
			    name);
		prom_help_text(pp);
		pp->has_help = true;
		prom_next_line(pp);
		return 0;
	}
	if (pp->family_typed)
		return prom_fail(pp, err, "second TYPE line for %s", name);
	if (pp->family_sampled)
		return prom_fail(pp, err, "TYPE line for %s after its samples",
		    name);
	n = prom_token(pp, tok, sizeof tok);
	for (i = 0; i < sizeof types / sizeof types[0]; i++)
		if (n < sizeof tok && strcmp(tok, types[i]) == 0)
			break;
	if (i == sizeof types / sizeof types[0]) {
		pp->pos -= n;
		return prom_fail(pp, err, "unknown metric type \"%.20s\"", tok);
	}
	prom_blanks(pp);
	if (!prom_eol(pp))
		return prom_fail(pp, err, "unexpected text after the type");
	pp->family_type = (enum prom_type)i;
	pp->family_typed = true;
	prom_next_line(pp);
	return 0;
}

int
promparse_next(struct prom_parser *pp, struct prom_sample *s,
    struct cm_err *err)
{
	if (pp->failed)
		return prom_fail(pp, err, "the input was malformed");
	while (pp->pos < pp->len) {
		prom_blanks(pp);
		if (prom_eol(pp)) {
			prom_next_line(pp);
			continue;
		}
		if (prom_peek(pp) == '#') {
			pp->pos++;
			if (prom_comment(pp, err) < 0)
				return -1;
			continue;
		}
		return prom_sample_line(pp, s, err);
	}
	return 0;
}
