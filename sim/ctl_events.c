/*
 * ctl_events.c - the controllers' Event recorder.  See ctl.h.
 *
 * Events are written as the real components write them.  Kubelets and
 * the workload controllers use core/v1 Events with a source, a count and
 * first/last timestamps; a repeat of the same (object, field, type,
 * reason, message) bumps count and lastTimestamp of the existing Event
 * instead of writing a new one, as client-go's aggregator does.  The
 * scheduler uses the events.k8s.io form: eventTime, action,
 * reportingComponent, null timestamps, and a series for repeats.
 *
 * The store would otherwise grow without end (a crash loop writes events
 * forever), so the recorder keeps the CTL_EVENTS_MAX newest Events it
 * wrote and deletes older ones, as the API server's one-hour TTL does.
 */
#include "config.h"

#include "sim/ctl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "sim/objstore.h"

#define CTL_EVENTS_MAX 4000

struct ctl_ev_bump {
	bool series;
	const char *now;
	const char *now_micro;
};

static enum cm_status
ctl_event_bump(void *arg, cJSON *ev, struct cm_err *err)
{
	struct ctl_ev_bump *b = arg;
	cJSON *series;

	if (b->series) {
		series = ctl_obj(ev, "series");
		ctl_set_num(series, "count", ctl_num(series, "count", 1) + 1);
		ctl_set_str(series, "lastObservedTime", b->now_micro);
		return CM_OK;
	}
	ctl_set_num(ev, "count", ctl_num(ev, "count", 1) + 1);
	ctl_set_str(ev, "lastTimestamp", b->now);
	return CM_OK;
}

static void
ctl_event_fifo_push(struct controller *c, const char *aggkey)
{
	char **nf;
	size_t i;

	if (c->evlen == c->evcap) {
		nf = xcalloc(c->evcap ? c->evcap * 2 : 256, sizeof(*nf));
		for (i = 0; i < c->evlen; i++)
			nf[i] = c->evfifo[(c->evhead + i) % c->evcap];
		free(c->evfifo);
		c->evfifo = nf;
		c->evhead = 0;
		c->evcap = c->evcap ? c->evcap * 2 : 256;
	}
	c->evfifo[(c->evhead + c->evlen) % c->evcap] = xstrdup(aggkey);
	c->evlen++;
}

/* Delete the oldest Events beyond CTL_EVENTS_MAX. */
static void
ctl_event_gc(struct controller *c)
{
	struct ctl_map_entry *e;
	char *aggkey, *slash;

	while (c->evlen > CTL_EVENTS_MAX) {
		aggkey = c->evfifo[c->evhead];
		c->evhead = (c->evhead + 1) % c->evcap;
		c->evlen--;
		e = ctl_map_get(&c->evagg, aggkey);
		if (e != NULL && e->str != NULL &&
		    (slash = strchr(e->str, '/')) != NULL) {
			*slash = '\0';
			objstore_delete(c->st, CTL_R_EVENTS, e->str, slash + 1,
			    NULL, NULL);
			ctl_map_del(&c->evagg, aggkey);
		}
		free(aggkey);
	}
}

static cJSON *
ctl_event_involved(const struct ctl_event *e)
{
	cJSON *io = cJSON_CreateObject();
	const char *ns = ctl_ns(e->obj), *rv;

	cJSON_AddStringToObject(io, "kind", e->kind);
	if (*ns != '\0')
		cJSON_AddStringToObject(io, "namespace", ns);
	cJSON_AddStringToObject(io, "name", ctl_name(e->obj) ?
	    ctl_name(e->obj) : "");
	cJSON_AddStringToObject(io, "uid", ctl_uid(e->obj));
	cJSON_AddStringToObject(io, "apiVersion", e->api_version);
	rv = ctl_str(e->obj, "metadata.resourceVersion");
	if (rv != NULL)
		cJSON_AddStringToObject(io, "resourceVersion", rv);
	if (e->field_path != NULL)
		cJSON_AddStringToObject(io, "fieldPath", e->field_path);
	return io;
}

static cJSON *
ctl_event_build(struct controller *c, const struct ctl_event *e,
    const char *ns, const char *now, const char *now_micro)
{
	cJSON *ev = cJSON_CreateObject(), *md, *src;
	char *name;

	cJSON_AddStringToObject(ev, "kind", "Event");
	cJSON_AddStringToObject(ev, "apiVersion", "v1");
	md = cJSON_AddObjectToObject(ev, "metadata");
	/* client-go names events "<object>.<hex of unix nanoseconds>". */
	name = xasprintf("%s.%" PRIx64, ctl_name(e->obj) ? ctl_name(e->obj) :
	    "unknown", (uint64_t)c->now * 1000000 + (c->evseq++ % 1000000));
	cJSON_AddStringToObject(md, "name", name);
	free(name);
	cJSON_AddStringToObject(md, "namespace", ns);
	cJSON_AddItemToObject(ev, "involvedObject", ctl_event_involved(e));
	cJSON_AddStringToObject(ev, "reason", e->reason);
	cJSON_AddStringToObject(ev, "message", e->message);
	src = cJSON_AddObjectToObject(ev, "source");
	if (e->style == CTL_EV_SERIES) {
		cJSON_AddNullToObject(ev, "firstTimestamp");
		cJSON_AddNullToObject(ev, "lastTimestamp");
		cJSON_AddStringToObject(ev, "type", e->warning ? "Warning" :
		    "Normal");
		cJSON_AddStringToObject(ev, "eventTime", now_micro);
		if (e->action != NULL)
			cJSON_AddStringToObject(ev, "action", e->action);
		cJSON_AddStringToObject(ev, "reportingComponent",
		    e->component);
		name = xasprintf("%s-%s", e->component, e->host != NULL ?
		    e->host : "kubesim");
		cJSON_AddStringToObject(ev, "reportingInstance", name);
		free(name);
		return ev;
	}
	cJSON_AddStringToObject(src, "component", e->component);
	if (e->host != NULL)
		cJSON_AddStringToObject(src, "host", e->host);
	cJSON_AddStringToObject(ev, "firstTimestamp", now);
	cJSON_AddStringToObject(ev, "lastTimestamp", now);
	cJSON_AddNumberToObject(ev, "count", 1);
	cJSON_AddStringToObject(ev, "type", e->warning ? "Warning" : "Normal");
	cJSON_AddNullToObject(ev, "eventTime");
	cJSON_AddStringToObject(ev, "reportingComponent", e->component);
	cJSON_AddStringToObject(ev, "reportingInstance", e->host != NULL ?
	    e->host : "");
	return ev;
}

void
ctl_event_emit(struct controller *c, const struct ctl_event *e)
{
	struct ctl_ev_bump bump;
	struct ctl_map_entry *agg;
	char now[CTL_TIME_LEN], micro[CTL_TIME_LEN], *aggkey, *slash, *ref;
	const char *ns = ctl_ns(e->obj);
	cJSON *ev, *out = NULL;

	if (*ns == '\0')
		ns = "default";
	ctl_time_fmt(c->now, now);
	ctl_time_micro(c->now, micro);
	aggkey = xasprintf("%s|%s|%s|%s|%s|%s", ctl_uid(e->obj),
	    e->field_path != NULL ? e->field_path : "", e->warning ? "W" : "N",
	    e->reason, e->component, e->message);
	agg = ctl_map_get(&c->evagg, aggkey);
	if (agg != NULL && agg->str != NULL) {
		ref = xstrdup(agg->str);
		slash = strchr(ref, '/');
		bump.series = e->style == CTL_EV_SERIES;
		bump.now = now;
		bump.now_micro = micro;
		if (slash != NULL) {
			*slash = '\0';
			if (objstore_modify(c->st, CTL_R_EVENTS, ref,
			    slash + 1, ctl_event_bump, &bump, NULL, NULL) ==
			    CM_OK) {
				free(ref);
				free(aggkey);
				return;
			}
		}
		free(ref);
		ctl_map_del(&c->evagg, aggkey);
	}
	ev = ctl_event_build(c, e, ns, now, micro);
	if (objstore_create(c->st, CTL_R_EVENTS, ns, ev, &out, NULL) ==
	    CM_OK) {
		ref = xasprintf("%s/%s", ns, ctl_name(out));
		ctl_map_set(&c->evagg, aggkey, 0, ref);
		free(ref);
		ctl_event_fifo_push(c, aggkey);
		ctl_event_gc(c);
	}
	cJSON_Delete(out);
	cJSON_Delete(ev);
	free(aggkey);
}

void
ctl_events_done(struct controller *c)
{
	size_t i;

	for (i = 0; i < c->evlen; i++)
		free(c->evfifo[(c->evhead + i) % c->evcap]);
	free(c->evfifo);
	c->evfifo = NULL;
	c->evlen = 0;
	c->evcap = 0;
	c->evhead = 0;
}
