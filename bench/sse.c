/*
 * sse.c - bench/sse's client: event-to-client latency of the hub's
 * event stream with many subscribers.
 *
 *   bench/sse_client URL EMAIL PASSWORD [CLIENTS [EVENTS]]
 *
 * Logs in, opens CLIENTS streams (GET /api/v1/events/stream over plain
 * HTTP/1.0 sockets, one epoll loop), then makes EVENTS alert changes one
 * at a time from a second thread: it silences an active alert and
 * expires the silence again, each call committing one "alert.changed"
 * event.  The time from just before the call is sent to the moment each
 * client has read the event is one sample; the next change waits until
 * every client has its event.  Prints p50, p99 and max over all samples,
 * and the same for the slowest client of each event (fan-out).  What it
 * measures includes the API call itself (HTTP, auth, the write
 * transaction), so it is an upper bound of the stream's own delay.
 * Exits non-zero when something fails to run.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#define NEEDLE "event: alert.changed\n"
#define TAIL 64

struct client {
	int fd;
	char tail[TAIL + 1];	/* last bytes, for needles split by reads */
	size_t tlen;
	long seen;		/* alert.changed frames read */
	bool open;		/* ": stream open" read */
};

static const char *url;
static char token[4096];
static char alert_id[64];
static int port;
static struct client *clients;
static int nclients;
static long nevents;
static int64_t *sent_us;	/* per event */
static double *lat_ms;		/* per client per event */
static double *fan_ms;		/* per event: slowest client */
static atomic_long released;	/* events every client has read */

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct buf {
	char *p;
	size_t n;
};

static size_t
buf_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t len = size * nmemb;
	char *p = realloc(b->p, b->n + len + 1);

	if (p == NULL)
		return 0;
	b->p = p;
	memcpy(b->p + b->n, data, len);
	b->n += len;
	b->p[b->n] = '\0';
	return len;
}

/* One API call; returns the status and the parsed body in *out. */
static long
api(CURL *c, const char *method, const char *path, const char *body,
    cJSON **out)
{
	char full[1024], auth[4200];
	struct curl_slist *h = NULL;
	struct buf b = { NULL, 0 };
	long status = 0;

	snprintf(full, sizeof full, "%s%s", url, path);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, full);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (token[0] != '\0') {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (body != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	if (out != NULL)
		*out = b.p != NULL ? cJSON_Parse(b.p) : NULL;
	free(b.p);
	return status;
}

static const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
fail(const char *what)
{
	fprintf(stderr, "bench/sse: %s\n", what);
	return 1;
}

/* The generator: one alert change at a time. */
static void *
generate(void *arg)
{
	CURL *c = curl_easy_init();
	char body[256], path[128], silence[64] = "";
	cJSON *j = NULL;
	long i, st;
	bool *ok = arg;

	for (i = 0; i < nevents; i++) {
		while (atomic_load(&released) < i)
			usleep(200);
		usleep(2000);	/* let the readers settle */
		sent_us[i] = now_us();
		if (silence[0] == '\0') {
			snprintf(body, sizeof body, "{\"alert_id\":\"%s\","
			    "\"duration_s\":3600}", alert_id);
			st = api(c, "POST", "/api/v1/silences", body, &j);
			if (st != 201 || jstr(j, "id") == NULL) {
				fprintf(stderr, "bench/sse: silence: %ld\n",
				    st);
				*ok = false;
				break;
			}
			snprintf(silence, sizeof silence, "%s", jstr(j, "id"));
		} else {
			snprintf(path, sizeof path, "/api/v1/silences/%s",
			    silence);
			st = api(c, "DELETE", path, NULL, &j);
			if (st != 200) {
				fprintf(stderr, "bench/sse: expire: %ld\n", st);
				*ok = false;
				break;
			}
			silence[0] = '\0';
		}
		cJSON_Delete(j);
		j = NULL;
	}
	cJSON_Delete(j);
	curl_easy_cleanup(c);
	return NULL;
}

static int
connect_stream(void)
{
	struct sockaddr_in sin;
	char req[4400];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		close(fd);
		return -1;
	}
	snprintf(req, sizeof req, "GET /api/v1/events/stream HTTP/1.0\r\n"
	    "Authorization: Bearer %s\r\n\r\n", token);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Count needles in what arrived (with the tail of the last read). */
static void
client_read(struct client *cl, int idx, const char *data, size_t n,
    int64_t t)
{
	static char scratch[TAIL + 65536 + 1];
	const char *p;
	size_t len;
	long e;

	memcpy(scratch, cl->tail, cl->tlen);
	memcpy(scratch + cl->tlen, data, n);
	len = cl->tlen + n;
	scratch[len] = '\0';
	if (!cl->open && strstr(scratch, ": stream open") != NULL)
		cl->open = true;
	for (p = scratch; (p = strstr(p, NEEDLE)) != NULL; p += strlen(NEEDLE)) {
		/* a needle wholly inside the old tail was counted before */
		if ((size_t)(p - scratch) + strlen(NEEDLE) <= cl->tlen)
			continue;
		e = cl->seen++;
		if (e < nevents)
			lat_ms[e * nclients + idx] =
			    (double)(t - sent_us[e]) / 1000.0;
	}
	cl->tlen = len < TAIL ? len : TAIL;
	memcpy(cl->tail, scratch + len - cl->tlen, cl->tlen);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	return v[i < n ? i : n - 1];
}

int
main(int argc, char **argv)
{
	static char rbuf[65536];
	struct epoll_event ev, evs[256];
	CURL *c;
	cJSON *j = NULL, *a;
	pthread_t gen;
	char body[512];
	bool ok = true;
	int ep, i, n, ready;
	long e, min_seen;
	int64_t deadline, t;
	ssize_t r;

	if (argc < 4)
		return fail("usage: sse_client URL EMAIL PASSWORD [CLIENTS "
		    "[EVENTS]]");
	url = argv[1];
	nclients = argc > 4 ? atoi(argv[4]) : 200;
	nevents = argc > 5 ? atol(argv[5]) : 200;
	port = atoi(strrchr(url, ':') + 1);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = curl_easy_init();
	snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"%s\"}",
	    argv[2], argv[3]);
	if (api(c, "POST", "/api/v1/auth/login", body, &j) != 200 ||
	    jstr(j, "access_token") == NULL)
		return fail("login failed");
	snprintf(token, sizeof token, "%s", jstr(j, "access_token"));
	cJSON_Delete(j);
	if (api(c, "GET", "/api/v1/alerts?status=active&limit=1", NULL,
	    &j) != 200)
		return fail("cannot list alerts");
	a = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0);
	if (a == NULL)
		return fail("no active alert to change");
	snprintf(alert_id, sizeof alert_id, "%s", jstr(a, "id"));
	cJSON_Delete(j);
	curl_easy_cleanup(c);

	clients = calloc((size_t)nclients, sizeof *clients);
	sent_us = calloc((size_t)nevents, sizeof *sent_us);
	lat_ms = calloc((size_t)nevents * (size_t)nclients, sizeof *lat_ms);
	fan_ms = calloc((size_t)nevents, sizeof *fan_ms);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (clients == NULL || sent_us == NULL || lat_ms == NULL ||
	    fan_ms == NULL || ep < 0)
		return fail("out of memory");
	for (i = 0; i < nclients; i++) {
		if ((clients[i].fd = connect_stream()) < 0)
			return fail("cannot connect a stream");
		ev.events = EPOLLIN;
		ev.data.u32 = (uint32_t)i;
		epoll_ctl(ep, EPOLL_CTL_ADD, clients[i].fd, &ev);
	}
	/* wait until every stream is open */
	deadline = now_us() + 30 * 1000000LL;
	for (ready = 0; ready < nclients && now_us() < deadline;) {
		n = epoll_wait(ep, evs, 256, 100);
		for (i = 0; i < n; i++) {
			struct client *cl = &clients[evs[i].data.u32];

			r = read(cl->fd, rbuf, sizeof rbuf);
			if (r <= 0)
				return fail("a stream closed while opening");
			if (!cl->open) {
				client_read(cl, (int)evs[i].data.u32, rbuf,
				    (size_t)r, now_us());
				if (cl->open)
					ready++;
			}
		}
	}
	if (ready < nclients)
		return fail("not every stream opened in 30 s");
	for (i = 0; i < nclients; i++)
		clients[i].seen = 0;
	atomic_init(&released, 0);
	pthread_create(&gen, NULL, generate, &ok);
	deadline = now_us() + (int64_t)nevents * 2000000LL + 30000000LL;
	while (atomic_load(&released) < nevents && ok && now_us() < deadline) {
		n = epoll_wait(ep, evs, 256, 100);
		t = now_us();
		for (i = 0; i < n; i++) {
			int idx = (int)evs[i].data.u32;

			r = read(clients[idx].fd, rbuf, sizeof rbuf);
			if (r <= 0) {
				ok = false;
				fprintf(stderr, "bench/sse: a stream was "
				    "closed\n");
				break;
			}
			client_read(&clients[idx], idx, rbuf, (size_t)r, t);
		}
		min_seen = nevents;
		for (i = 0; i < nclients; i++)
			if (clients[i].seen < min_seen)
				min_seen = clients[i].seen;
		atomic_store(&released, min_seen);
	}
	if (atomic_load(&released) < nevents)
		ok = false;
	atomic_store(&released, nevents);
	pthread_join(gen, NULL);
	if (!ok)
		return fail("the run did not complete");
	for (e = 0; e < nevents; e++) {
		fan_ms[e] = 0;
		for (i = 0; i < nclients; i++)
			if (lat_ms[e * nclients + i] > fan_ms[e])
				fan_ms[e] = lat_ms[e * nclients + i];
	}
	qsort(lat_ms, (size_t)nevents * (size_t)nclients, sizeof *lat_ms,
	    cmp_double);
	qsort(fan_ms, (size_t)nevents, sizeof *fan_ms, cmp_double);
	printf("clients %d, events %ld, samples %ld\n", nclients, nevents,
	    nevents * nclients);
	printf("event-to-client latency ms: p50 %.2f  p99 %.2f  max %.2f\n",
	    pct(lat_ms, (size_t)(nevents * nclients), 0.50),
	    pct(lat_ms, (size_t)(nevents * nclients), 0.99),
	    lat_ms[nevents * nclients - 1]);
	printf("slowest client per event ms: p50 %.2f  p99 %.2f  max %.2f\n",
	    pct(fan_ms, (size_t)nevents, 0.50),
	    pct(fan_ms, (size_t)nevents, 0.99), fan_ms[nevents - 1]);
	printf("target: p99 < 100 ms -> %s\n",
	    pct(lat_ms, (size_t)(nevents * nclients), 0.99) < 100 ? "met" :
	    "NOT met");
	for (i = 0; i < nclients; i++)
		close(clients[i].fd);
	free(clients);
	free(sent_us);
	free(lat_ms);
	free(fan_ms);
	curl_global_cleanup();
	return 0;
}
