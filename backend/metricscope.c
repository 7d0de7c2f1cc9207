/*
 * metricscope.c - metrics queries as feed scopes.  See metricscope.h.
 */
#include "config.h"

#include "backend/metricscope.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	long long ms;
	int step_s;
} metricscope_ranges[METRICSCOPE_RANGE_COUNT] = {
	[METRICSCOPE_1H] = { "1h", 3600000LL, 60 },
	[METRICSCOPE_6H] = { "6h", 21600000LL, 300 },
	[METRICSCOPE_24H] = { "24h", 86400000LL, 900 },
	[METRICSCOPE_7D] = { "7d", 604800000LL, 3600 },
};

const char *
metricscope_range_name(enum metricscope_range r)
{
	if ((unsigned)r >= METRICSCOPE_RANGE_COUNT)
		return NULL;
	return metricscope_ranges[r].name;
}

long long
metricscope_range_ms(enum metricscope_range r)
{
	if ((unsigned)r >= METRICSCOPE_RANGE_COUNT)
		return 0;
	return metricscope_ranges[r].ms;
}

int
metricscope_step_s(enum metricscope_range r)
{
	if ((unsigned)r >= METRICSCOPE_RANGE_COUNT)
		return 60;
	return metricscope_ranges[r].step_s;
}

bool
metricscope_range_find(const char *name, enum metricscope_range *out)
{
	unsigned i;

	for (i = 0; i < METRICSCOPE_RANGE_COUNT; i++) {
		if (strcmp(name, metricscope_ranges[i].name) == 0) {
			*out = (enum metricscope_range)i;
			return true;
		}
	}
	return false;
}

/* Names and ids go into a URL unescaped: keep them to safe bytes. */
static bool
metricscope_word_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	const char *p;

	if (n == 0 || n >= max)
		return false;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		    *p == ':' || *p == '-'))
			return false;
	return true;
}

bool
metricscope_format(const struct metricscope *ms, char *buf, size_t len)
{
	int n;

	if (!metricscope_word_ok(ms->name, sizeof ms->name) ||
	    metricscope_range_name(ms->range) == NULL)
		return false;
	if (ms->target == 0)
		n = snprintf(buf, len, "%s@%s", ms->name,
		    metricscope_range_name(ms->range));
	else if ((ms->target == 'c' || ms->target == 'a') &&
	    metricscope_word_ok(ms->id, sizeof ms->id))
		n = snprintf(buf, len, "%s@%s@%c.%s", ms->name,
		    metricscope_range_name(ms->range), ms->target, ms->id);
	else
		return false;
	return n > 0 && (size_t)n < len;
}

bool
metricscope_parse(const char *scope, struct metricscope *out)
{
	char copy[256], *at1, *at2;

	memset(out, 0, sizeof *out);
	if (scope == NULL || strlen(scope) >= sizeof copy)
		return false;
	snprintf(copy, sizeof copy, "%s", scope);
	at1 = strchr(copy, '@');
	if (at1 == NULL)
		return false;
	*at1++ = '\0';
	at2 = strchr(at1, '@');
	if (at2 != NULL)
		*at2++ = '\0';
	if (!metricscope_word_ok(copy, sizeof out->name) ||
	    !metricscope_range_find(at1, &out->range))
		return false;
	snprintf(out->name, sizeof out->name, "%.63s", copy);
	if (at2 == NULL)
		return true;
	if ((at2[0] != 'c' && at2[0] != 'a') || at2[1] != '.' ||
	    !metricscope_word_ok(at2 + 2, sizeof out->id))
		return false;
	out->target = at2[0];
	snprintf(out->id, sizeof out->id, "%.47s", at2 + 2);
	return true;
}

bool
metricscope_path(const char *scope, char *buf, size_t len)
{
	struct metricscope ms;
	int n;

	if (!metricscope_parse(scope, &ms))
		return false;
	n = snprintf(buf, len, "/api/v1/metrics?name=%s&from=-%s&step=%d%s%s",
	    ms.name, metricscope_range_name(ms.range),
	    metricscope_step_s(ms.range), ms.target == 'c' ? "&cluster_id=" :
	    ms.target == 'a' ? "&app_id=" : "", ms.target != 0 ? ms.id : "");
	return n > 0 && (size_t)n < len;
}
