/*
 * stub_http.h - a tiny HTTP/1.1 server on 127.0.0.1:0 for client tests.
 *
 * It answers from a queue of canned answers (then a default one), keeps
 * connections alive, records every request, and can misbehave on
 * purpose: answer late, hang up without answering, send a body bigger
 * than a cap, with or without Content-Length.  stub_start_tls() serves
 * HTTPS with a certificate made by stub_make_cert().  It is for what a
 * real cmhubd will not do on demand; everything else is tested against a
 * real hub (tests/api/harness.h).
 */
#ifndef CM_TESTS_UNIT_STUB_HTTP_H
#define CM_TESTS_UNIT_STUB_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct stub;

/* One canned answer; strings are copied by stub_push/stub_default. */
struct stub_answer {
	int status;		/* 0 = 200 */
	const char *headers;	/* extra lines ending "\r\n", or NULL */
	const char *body;	/* NULL = "" */
	long delay_ms;		/* wait before answering */
	size_t big;		/* > 0: a body of this many 'x' instead */
	bool chunked;		/* no Content-Length: chunked encoding */
	bool hangup;		/* read the request, close, no answer */
};

/* A request as received. */
struct stub_req {
	char method[16];
	char path[1024];
	char headers[8192];	/* raw header lines */
	char body[8192];	/* first bytes of the body, NUL-terminated */
};

/* Start a plain HTTP stub; asserts on failure. */
struct stub *stub_start(void);

/* Start an HTTPS stub with a PEM certificate and key. */
struct stub *stub_start_tls(const char *cert_pem, const char *key_pem);

/* Stop the stub, closing every connection. */
void stub_stop(struct stub *s);

/* "http://127.0.0.1:PORT" (or https); borrowed for the stub's life. */
const char *stub_url(const struct stub *s);

/* The port. */
int stub_port(const struct stub *s);

/* Queue an answer: requests take queued answers in order. */
void stub_push(struct stub *s, const struct stub_answer *a);

/* The answer once the queue is empty (initially 200 "{}"). */
void stub_default(struct stub *s, const struct stub_answer *a);

/* Requests received and connections accepted so far. */
int stub_requests(struct stub *s);
int stub_connections(struct stub *s);

/* Copy request i (0-based) into out; false when there is none. */
bool stub_request(struct stub *s, int i, struct stub_req *out);

/* Value of a header of r (case-insensitive name) into buf, or NULL. */
const char *stub_req_header(const struct stub_req *r, const char *name,
    char *buf, size_t len);

/* Forget recorded requests and counters. */
void stub_reset(struct stub *s);

/* Write a self-signed EC certificate for 127.0.0.1 and its key into dir
 * as cert.pem and key.pem; paths into cert and key (256 bytes each). */
void stub_make_cert(const char *dir, char *cert, char *key);

#endif
