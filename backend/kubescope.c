/*
 * kubescope.c - context ids and scopes of direct mode.  See kubescope.h.
 */
#include "config.h"

#include "backend/kubescope.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"

uint64_t
kubescope_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static bool
kubescope_plain(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		    *s == '-'))
			return false;
	return true;
}

const char *
kubescope_ctx_id(const char *ctx_name, char *buf, size_t len)
{
	size_t n = strlen(ctx_name);

	if (n > 0 && n < KUBESCOPE_CTX_ID_MAX && n < len &&
	    ctx_name[0] != '~' && ctx_name[0] != '@' &&
	    kubescope_plain(ctx_name))
		snprintf(buf, len, "%s", ctx_name);
	else
		snprintf(buf, len, "~%012" PRIx64,
		    (uint64_t)(kubescope_hash(ctx_name) & 0xffffffffffffULL));
	return buf;
}

const char *
kubescope_list(const char *ctx_id, const char *ns, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", ctx_id, ns != NULL ? ns : "");
	return buf;
}

/* Copy n bytes of s into out (len); false when they do not fit. */
static bool
kubescope_copy(const char *s, size_t n, char *out, size_t len)
{
	if (n >= len)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

bool
kubescope_parse_list(const char *scope, char *ctx_id, size_t ctx_len,
    char *ns, size_t ns_len)
{
	const char *slash = strchr(scope, '/');

	if (slash == NULL || slash == scope || strchr(slash + 1, '/') != NULL)
		return false;
	return kubescope_copy(scope, (size_t)(slash - scope), ctx_id,
	    ctx_len) && kubescope_copy(slash + 1, strlen(slash + 1), ns,
	    ns_len);
}

char *
kubescope_object_full(const char *ctx_id, const char *resource,
    const char *ns, const char *name)
{
	return xasprintf("%s/%s/%s/%s", ctx_id, resource, ns != NULL ? ns :
	    "", name);
}

const char *
kubescope_short(const char *full, char *buf, size_t len)
{
	if (strlen(full) < len && strlen(full) < KUBESCOPE_MAX)
		snprintf(buf, len, "%s", full);
	else
		snprintf(buf, len, "@%016" PRIx64, kubescope_hash(full));
	return buf;
}

const char *
kubescope_object(const char *ctx_id, const char *resource, const char *ns,
    const char *name, char *buf, size_t len)
{
	char *full = kubescope_object_full(ctx_id, resource, ns, name);

	kubescope_short(full, buf, len);
	free(full);
	return buf;
}

bool
kubescope_is_hashed(const char *scope)
{
	return scope != NULL && scope[0] == '@';
}

bool
kubescope_parse_object(const char *full, struct kubescope_ref *out)
{
	const char *p = full, *s;
	char *parts[4];
	size_t lens[4];
	int i;

	memset(out, 0, sizeof *out);
	parts[0] = out->ctx;
	lens[0] = sizeof out->ctx;
	parts[1] = out->resource;
	lens[1] = sizeof out->resource;
	parts[2] = out->ns;
	lens[2] = sizeof out->ns;
	parts[3] = out->name;
	lens[3] = sizeof out->name;
	for (i = 0; i < 4; i++) {
		s = i < 3 ? strchr(p, '/') : p + strlen(p);
		if (s == NULL || !kubescope_copy(p, (size_t)(s - p), parts[i],
		    lens[i]))
			return false;
		p = i < 3 ? s + 1 : s;
	}
	return out->ctx[0] != '\0' && out->resource[0] != '\0' &&
	    out->name[0] != '\0' && strchr(out->name, '/') == NULL;
}
