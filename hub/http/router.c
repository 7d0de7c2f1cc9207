/*
 * router.c - match a method and path against the route table.
 *
 * A linear scan of the table, comparing the path with each pattern
 * segment by segment: O(routes x segments), no allocation, no
 * recursion, so a hostile path costs only its length.  The first route
 * whose pattern and method both match wins, so table order decides
 * between a literal ("/users/me") and a capture ("/users/:id").  HEAD is
 * not mapped to GET and a trailing slash is a different path: both are
 * the caller's choice to make in the table, not guesses made here.
 * Percent-decoding has happened before (the server's job).
 */
#include "config.h"

#include "hub/http/router.h"

#include <string.h>

#include "hub/http/http.h"

struct router_capture {
	const char *start;
	size_t len;
};

/*
 * Compare path with pattern.  On a match, caps[0..*ncaps) point at the
 * captured segments inside path.  A pattern with more captures than
 * HTTP_MAX_PARAMS never matches.
 */
static bool
router_pattern_match(const char *pattern, const char *path,
    struct router_capture *caps, size_t *ncaps)
{
	const char *p = pattern;
	const char *s = path;
	size_t plen, slen;

	*ncaps = 0;
	if (*p != '/' || *s != '/')
		return false;
	for (;;) {
		/* Both stand on a '/': step over it to the segment. */
		p++;
		s++;
		plen = strcspn(p, "/");
		slen = strcspn(s, "/");
		if (p[0] == ':') {
			if (slen == 0 || *ncaps >= HTTP_MAX_PARAMS)
				return false;
			caps[*ncaps].start = s;
			caps[*ncaps].len = slen;
			(*ncaps)++;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return false;
		}
		p += plen;
		s += slen;
		if (*p == '\0' || *s == '\0')
			return *p == *s;
	}
}

/* True when the ", "-separated list already names method. */
static bool
router_allow_has(const char *allow, const char *method)
{
	size_t mlen = strlen(method);
	const char *a = allow;
	size_t len;

	while (*a != '\0') {
		len = strcspn(a, ",");
		if (len == mlen && memcmp(a, method, mlen) == 0)
			return true;
		a += len;
		while (*a == ',' || *a == ' ')
			a++;
	}
	return false;
}

/* Append method to allow unless present or it would not fit whole. */
static void
router_allow_add(char *allow, size_t allowlen, const char *method)
{
	size_t used, need;

	if (allow == NULL || allowlen == 0 || router_allow_has(allow, method))
		return;
	used = strlen(allow);
	need = strlen(method) + (used > 0 ? 2 : 0);
	if (used + need + 1 > allowlen)
		return;
	if (used > 0) {
		memcpy(allow + used, ", ", 2);
		used += 2;
	}
	memcpy(allow + used, method, strlen(method) + 1);
}

enum router_result
router_match(const struct route *routes, size_t n, const char *method,
    const char *path, char *scratch, const struct route **out,
    const char **params, size_t *nparams, char *allow, size_t allowlen)
{
	struct router_capture caps[HTTP_MAX_PARAMS];
	size_t ncaps, i;
	bool path_known = false;
	char *w;

	*out = NULL;
	*nparams = 0;
	if (allow != NULL && allowlen > 0)
		allow[0] = '\0';
	if (method == NULL || path == NULL)
		return ROUTER_NOT_FOUND;

	for (i = 0; i < n; i++) {
		if (routes[i].pattern == NULL || routes[i].method == NULL)
			continue;
		if (!router_pattern_match(routes[i].pattern, path, caps,
		    &ncaps))
			continue;
		if (strcmp(routes[i].method, method) != 0) {
			path_known = true;
			router_allow_add(allow, allowlen, routes[i].method);
			continue;
		}
		/* Each capture follows a '/', so they fit in strlen(path)+1. */
		w = scratch;
		for (*nparams = 0; *nparams < ncaps; (*nparams)++) {
			memcpy(w, caps[*nparams].start, caps[*nparams].len);
			w[caps[*nparams].len] = '\0';
			params[*nparams] = w;
			w += caps[*nparams].len + 1;
		}
		*out = &routes[i];
		if (allow != NULL && allowlen > 0)
			allow[0] = '\0';
		return ROUTER_MATCH;
	}
	return path_known ? ROUTER_METHOD : ROUTER_NOT_FOUND;
}
