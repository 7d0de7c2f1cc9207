/*
 * kubereq.h - the request engine behind kubeclient.h (internal).
 *
 * struct kubeclient and the one function that performs a request with
 * the client's credentials (kubereq_perform), shared by kubeclient.c
 * (single calls), kubewatch.c (lists, watches, logs) and kubediscover.c.
 * Nothing outside backend/kube includes this header.
 */
#ifndef CM_BACKEND_KUBE_KUBEREQ_H
#define CM_BACKEND_KUBE_KUBEREQ_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "backend/kube/execcred.h"
#include "backend/kube/kubeclient.h"
#include "backend/kube/kubestream.h"
#include "backend/status.h"

#define KUBEREQ_ACCEPT_JSON "application/json"
#define KUBEREQ_ACCEPT_TABLE \
	"application/json;as=Table;v=v1;g=meta.k8s.io,application/json"

struct kubediscover;

struct kubeclient {
	CURL *curl;
	struct kubeclient_opts opts;
	char *ua;
	char *name;
	char *server;			/* as configured, for messages */
	char *base;			/* URL prefix requests go to */
	char *ns;
	struct curl_slist *connect_to;	/* tls-server-name routing */
	unsigned char *ca;
	size_t ca_len;
	bool insecure;
	char *proxy;
	char *token;
	char *token_file;
	unsigned char *cert;
	size_t cert_len;
	unsigned char *key;
	size_t key_len;
	char *username;
	char *password;
	struct execcred *exec;
	long last_http;
	struct kubediscover *disc;
	char errbuf[CURL_ERROR_SIZE];
};

/* One request. */
struct kubereq {
	const char *method;
	const char *path;		/* with query */
	const char *accept;
	const char *content_type;
	const char *body;
	size_t body_len;
	bool stream;			/* lines to line_fn as they come */
	bool no_timeout;		/* a log follow may be quiet for long */
	long timeout_ms;		/* 0: opts.timeout_ms */
	kubestream_line_fn line_fn;
	void *line_arg;
	size_t line_max;
	bool split_long;
};

/* What came back. */
struct kubereq_xfer {
	struct kubeclient *kc;
	const struct kubereq *req;
	long http;
	char *body;			/* whole answer, or an error's */
	size_t len;
	size_t cap;
	size_t max;
	bool overflow;
	struct kubestream ls;
	bool stopped;			/* line_fn returned false */
	size_t streamed;		/* bytes fed to the splitter */
};

/* True once opts.cancel is set. */
bool kubereq_cancelled(const struct kubeclient *kc);

/* Sleep ms, waking early on cancel; false when cancelled. */
bool kubereq_sleep(const struct kubeclient *kc, long ms);

/* Append "?key=value" or "&key=value" (escaped) to *path; NULL skips. */
void kubereq_query(char **path, const char *key, const char *value);

/* The same with a number. */
void kubereq_query_long(char **path, const char *key, long value);

/* The namespace of a single-object call: ns, else the context's; NULL
 * for a cluster-scoped resource. */
const char *kubereq_ns(const struct kubeclient *kc,
    const struct kube_resource *res, const char *ns);

/* Is an HTTP status worth retrying (429, 502, 503, 504)? */
bool kubereq_retryable(long http);

/* Prepare x for req; release with kubereq_xfer_done(). */
void kubereq_xfer_init(struct kubereq_xfer *x, struct kubeclient *kc,
    const struct kubereq *req);

/* Release what x holds. */
void kubereq_xfer_done(struct kubereq_xfer *x);

/*
 * Perform req into x.  CM_OK whenever an HTTP answer came (x->http says
 * which) or the line callback stopped the stream; a transport failure is
 * CM_UNAVAILABLE "cannot reach SERVER: reason", "cancelled" when
 * opts.cancel was set.  GETs that are not streams are retried on
 * transport failures and 429/502/503/504; a 401 is retried once with a
 * fresh credential when there is a way to get one.
 */
enum cm_status kubereq_perform(struct kubeclient *kc,
    const struct kubereq *req, struct kubereq_xfer *x, struct cm_err *err);

/* Map the non-2xx answer in x to err. */
enum cm_status kubereq_http_error(const struct kubereq *req,
    const struct kubereq_xfer *x, struct cm_err *err);

/* Perform req; a non-2xx answer becomes an error. */
enum cm_status kubereq_call(struct kubeclient *kc, const struct kubereq *req,
    struct kubereq_xfer *x, struct cm_err *err);

/* Perform req whose answer is a JSON object, into *out (may be NULL). */
enum cm_status kubereq_call_json(struct kubeclient *kc,
    const struct kubereq *req, cJSON **out, struct cm_err *err);

#endif
