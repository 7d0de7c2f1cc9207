/*
 * kubelogs.c - background log follows.  See kubelogs.h.
 *
 * One mutex guards the list and every follow's ring; a follow's thread
 * takes it once per line.  Threads are joined only after their follow
 * is unlinked (or has ended), never while a thread could still be
 * waiting for the mutex, so a join under the mutex happens only for a
 * thread that has announced its end.
 */
#include "config.h"

#include "backend/kubelogs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/kuberows.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"

struct kubelogs_follow {
	char *key;
	char *ns;
	char *pod;
	char container[256];
	struct kubeclient *kc;
	pthread_t thread;
	bool started;			/* a thread to join */
	bool ended;			/* the thread has done its work */
	bool restarted;			/* not the first run */
	atomic_bool stop;
	char **ring;			/* max lines; seq % max */
	uint64_t first_seq;
	uint64_t next_seq;
	char error[256];
	int64_t ended_mono;
	int64_t read_mono;
	int64_t line_ms;		/* wall time of the last line */
	struct kubelogs *owner;
	struct kubelogs_follow *next;
};

struct kubelogs {
	pthread_mutex_t mu;
	size_t max;
	struct kubelogs_follow *list;
};

struct kubelogs *
kubelogs_new(size_t max_lines)
{
	struct kubelogs *l = xcalloc(1, sizeof *l);

	l->max = max_lines > 0 ? max_lines : 1000;
	pthread_mutex_init(&l->mu, NULL);
	return l;
}

/* Stop, join and free a follow that is no longer linked. */
static void
kubelogs_follow_free(struct kubelogs_follow *f)
{
	size_t i;

	atomic_store(&f->stop, true);
	if (f->started)
		pthread_join(f->thread, NULL);
	kubeclient_free(f->kc);
	for (i = 0; i < f->owner->max; i++)
		free(f->ring[i]);
	free(f->ring);
	free(f->key);
	free(f->ns);
	free(f->pod);
	free(f);
}

void
kubelogs_free(struct kubelogs *l)
{
	struct kubelogs_follow *f, *n;

	if (l == NULL)
		return;
	for (f = l->list; f != NULL; f = n) {
		n = f->next;
		kubelogs_follow_free(f);
	}
	pthread_mutex_destroy(&l->mu);
	free(l);
}

static bool
kubelogs_line(void *arg, const char *line, size_t len)
{
	struct kubelogs_follow *f = arg;
	struct kubelogs *l = f->owner;
	char **slot;

	if (len > KUBELOGS_LINE_MAX)
		len = KUBELOGS_LINE_MAX;
	pthread_mutex_lock(&l->mu);
	slot = &f->ring[f->next_seq % l->max];
	free(*slot);
	*slot = xstrndup(line, len);
	f->next_seq++;
	if (f->next_seq - f->first_seq > l->max)
		f->first_seq = f->next_seq - l->max;
	f->line_ms = time_now_ms();
	pthread_mutex_unlock(&l->mu);
	return !atomic_load(&f->stop);
}

/* kubectl's default container: the annotation, else the first. */
static enum cm_status
kubelogs_container(struct kubelogs_follow *f, struct cm_err *err)
{
	struct kube_resource res;
	const char *want;
	const cJSON *c, *ann;
	cJSON *pod = NULL;
	enum cm_status st;

	kuberows_resource(KUBEROWS_PODS, &res);
	st = kubeclient_get(f->kc, &res, f->ns, f->pod, &pod, err);
	if (st != CM_OK)
		return st;
	ann = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(pod, "metadata"), "annotations");
	c = cJSON_GetObjectItemCaseSensitive(ann,
	    "kubectl.kubernetes.io/default-container");
	want = cJSON_IsString(c) ? c->valuestring : NULL;
	c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(pod, "spec"), "containers"), 0);
	snprintf(f->container, sizeof f->container, "%s", want != NULL ?
	    want : kuberows_str(c, "name") != NULL ? kuberows_str(c, "name") :
	    "");
	cJSON_Delete(pod);
	return CM_OK;
}

static void *
kubelogs_main(void *arg)
{
	struct kubelogs_follow *f = arg;
	struct kube_log_opts lo;
	struct cm_err err;
	enum cm_status st = CM_OK;
	int64_t since;

	cm_err_clear(&err);
	if (f->container[0] == '\0')
		st = kubelogs_container(f, &err);
	if (st == CM_OK) {
		memset(&lo, 0, sizeof lo);
		lo.container = f->container[0] != '\0' ? f->container : NULL;
		lo.follow = true;
		lo.tail_lines = f->restarted ? -1 : KUBELOGS_TAIL;
		if (f->restarted) {
			since = (time_now_ms() - f->line_ms) / 1000 + 1;
			lo.since_seconds = since > 0 ? since : 1;
		}
		st = kubeclient_logs(f->kc, f->ns, f->pod, &lo, kubelogs_line,
		    f, &err);
	}
	pthread_mutex_lock(&f->owner->mu);
	f->ended = true;
	f->ended_mono = time_mono_ms();
	snprintf(f->error, sizeof f->error, "%s", st != CM_OK ? err.msg : "");
	pthread_mutex_unlock(&f->owner->mu);
	return NULL;
}

static void
kubelogs_launch(struct kubelogs_follow *f)
{
	int rc;

	f->ended = false;
	atomic_store(&f->stop, false);
	rc = pthread_create(&f->thread, NULL, kubelogs_main, f);
	if (rc != 0)
		fatal("kubelogs: cannot start a thread: %s", strerror(rc));
	f->started = true;
}

/* Unlink follows unread for too long, and the least recently read ones
 * past the limit (room for one more); caller holds mu.  Returns them. */
static struct kubelogs_follow *
kubelogs_reap(struct kubelogs *l, int64_t now)
{
	struct kubelogs_follow **pp, *f, *gone = NULL, **oldest;
	size_t n;

	for (pp = &l->list; (f = *pp) != NULL;) {
		if (now - f->read_mono > KUBELOGS_IDLE_MS) {
			*pp = f->next;
			f->next = gone;
			gone = f;
		} else {
			pp = &f->next;
		}
	}
	for (;;) {
		n = 0;
		oldest = NULL;
		for (pp = &l->list; *pp != NULL; pp = &(*pp)->next) {
			n++;
			if (oldest == NULL || (*pp)->read_mono <
			    (*oldest)->read_mono)
				oldest = pp;
		}
		if (n < KUBELOGS_FOLLOW_MAX || oldest == NULL)
			break;
		f = *oldest;
		*oldest = f->next;
		f->next = gone;
		gone = f;
	}
	return gone;
}

static cJSON *
kubelogs_doc(struct kubelogs *l, const struct kubelogs_follow *f)
{
	cJSON *doc = cJSON_CreateObject(), *lines;
	uint64_t s;

	lines = cJSON_AddArrayToObject(doc, "lines");
	for (s = f->first_seq; s < f->next_seq; s++)
		cJSON_AddItemToArray(lines, cJSON_CreateString(
		    f->ring[s % l->max] != NULL ? f->ring[s % l->max] : ""));
	cJSON_AddNumberToObject(doc, "first_seq", (double)f->first_seq);
	cJSON_AddNumberToObject(doc, "next_seq", (double)f->next_seq);
	cJSON_AddStringToObject(doc, "container", f->container);
	cJSON_AddStringToObject(doc, "namespace", f->ns);
	cJSON_AddStringToObject(doc, "pod", f->pod);
	cJSON_AddStringToObject(doc, "state", !f->ended ? "following" :
	    f->error[0] != '\0' ? "error" : "ended");
	cJSON_AddStringToObject(doc, "error", f->error);
	return doc;
}

cJSON *
kubelogs_read(struct kubelogs *l, const char *key,
    const struct kube_context *ctx, const struct kubeclient_opts *opts,
    const char *ns, const char *pod, struct cm_err *err)
{
	struct kubelogs_follow *f, *gone, *n;
	struct kubeclient_opts o;
	int64_t now = time_mono_ms();
	cJSON *doc;

	pthread_mutex_lock(&l->mu);
	for (f = l->list; f != NULL; f = f->next)
		if (strcmp(f->key, key) == 0)
			break;
	if (f != NULL)
		f->read_mono = now;
	gone = kubelogs_reap(l, now);
	if (f == NULL) {
		f = xcalloc(1, sizeof *f);
		if (opts != NULL)
			o = *opts;
		else
			kubeclient_opts_init(&o);
		atomic_init(&f->stop, false);
		o.cancel = &f->stop;
		f->kc = kubeclient_new(ctx, &o, err);
		if (f->kc == NULL) {
			free(f);
			pthread_mutex_unlock(&l->mu);
			doc = NULL;
			goto out;
		}
		f->owner = l;
		f->key = xstrdup(key);
		f->ns = xstrdup(ns);
		f->pod = xstrdup(pod);
		f->ring = xcalloc(l->max, sizeof *f->ring);
		f->read_mono = now;
		f->next = l->list;
		l->list = f;
		kubelogs_launch(f);
	} else if (f->ended && now - f->ended_mono >= KUBELOGS_RESTART_MS) {
		/* The thread said it is done: joining cannot wait on us. */
		pthread_join(f->thread, NULL);
		f->started = false;
		f->restarted = true;
		kubelogs_launch(f);
	}
	doc = kubelogs_doc(l, f);
	pthread_mutex_unlock(&l->mu);
out:
	for (; gone != NULL; gone = n) {
		n = gone->next;
		kubelogs_follow_free(gone);
	}
	return doc;
}
