/*
 * source.c - snapshots (immutable, reference counted) and kind names.
 * See source.h.  The drivers live in their own files (hubsource.c).
 */
#include "config.h"

#include "backend/source.h"

#include <stdio.h>
#include <stdlib.h>

#include "backend/xalloc.h"

static const char *const kind_names[] = {
#define SOURCE_KIND_NAME(id, name, path) name,
	SOURCE_KIND_INFO(SOURCE_KIND_NAME)
#undef SOURCE_KIND_NAME
};

const char *
source_kind_name(enum source_kind kind)
{
	if ((unsigned)kind >= SOURCE_KIND_COUNT)
		return NULL;
	return kind_names[kind];
}

struct snapshot *
snapshot_new(enum source_kind kind, const char *scope, cJSON *data,
    const char *etag, int64_t fetched_ms)
{
	struct snapshot *s = xcalloc(1, sizeof *s);

	s->kind = kind;
	snprintf(s->scope, sizeof s->scope, "%s", scope != NULL ? scope : "");
	s->data = data;
	snprintf(s->etag, sizeof s->etag, "%s", etag != NULL ? etag : "");
	s->fetched_ms = fetched_ms;
	s->refs = 1;
	return s;
}

struct snapshot *
snapshot_ref(struct snapshot *s)
{
	if (s != NULL)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	return s;
}

void
snapshot_unref(struct snapshot *s)
{
	if (s == NULL)
		return;
	/* Acquire-release: the last owner sees every write made before the
	 * other owners let go. */
	if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	cJSON_Delete(s->data);
	free(s);
}

const cJSON *
snapshot_items(const struct snapshot *s)
{
	const cJSON *items;

	if (s == NULL || s->data == NULL)
		return NULL;
	items = cJSON_GetObjectItemCaseSensitive(s->data, "items");
	return cJSON_IsArray(items) ? items : NULL;
}
