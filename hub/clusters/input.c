/*
 * input.c - what a register or update request may carry: the checks of
 * a cluster's name, API endpoint, labels and credentials, the parsing of
 * a request body into a struct cluster_input, and the strong ETags of
 * cluster responses.  See clusters.h.
 *
 * The checks report the first bad field as CM_VALIDATION and name the
 * field, never a credential's value.  Parsed credentials are kept as
 * compact JSON owned by the input and wiped when it is done.
 *
 * Not here: sealing credentials or touching the store (clusters.c), and
 * reading requests or writing responses (clusters_http.c).
 */
#include "config.h"

#include "hub/clusters/clusters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "backend/json.h"
#include "backend/xalloc.h"
#include "hub/api/api.h"
#include "hub/metrics/metrics.h"

#define CRED_TOKEN_MAX 16384
#define CRED_PEM_MAX 65536
#define CRED_KUBECONFIG_MAX 262144

static const char *const cluster_provider_ids[] = {
#define PROVIDER_ID(id, wire, name) wire,
	CLUSTER_PROVIDER_INFO(PROVIDER_ID)
#undef PROVIDER_ID
	NULL,
};

static const char *const cluster_statuses[] = {
#define STATUS_NAME(id, wire) wire,
	CLUSTER_STATUS_INFO(STATUS_NAME)
#undef STATUS_NAME
	NULL,
};

static const char *const cred_kinds[] = {
	"token", "client_cert", "kubeconfig", NULL,
};

/* ---- validation ------------------------------------------------------ */

enum cm_status
clusters_check_name(const char *name, struct cm_err *err)
{
	return api_check_name(name, CLUSTER_NAME_MAX, err);
}

enum cm_status
clusters_check_endpoint(const char *url, struct cm_err *err)
{
	const char *auth, *end, *host_end, *port;
	size_t len = strlen(url), i;
	long v = 0;

	if (len > CLUSTER_ENDPOINT_MAX)
		return cm_err_set(err, CM_VALIDATION, "api_endpoint",
		    "api_endpoint must be at most %d bytes",
		    CLUSTER_ENDPOINT_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)url[i] <= 0x20 ||
		    (unsigned char)url[i] == 0x7f)
			return cm_err_set(err, CM_VALIDATION, "api_endpoint",
			    "api_endpoint must not contain spaces or control "
			    "characters");
	if (strncasecmp(url, "https://", 8) == 0)
		auth = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		auth = url + 7;
	else
		return cm_err_set(err, CM_VALIDATION, "api_endpoint",
		    "api_endpoint must start with https:// or http://");
	end = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(end - auth)) != NULL)
		return cm_err_set(err, CM_VALIDATION, "api_endpoint",
		    "api_endpoint must not carry user info (credentials "
		    "go in \"credentials\")");
	if (*auth == '[') {
		host_end = memchr(auth, ']', (size_t)(end - auth));
		if (host_end == NULL || host_end == auth + 1)
			return cm_err_set(err, CM_VALIDATION, "api_endpoint",
			    "api_endpoint has a malformed IPv6 host");
		host_end++;
	} else {
		host_end = auth + strcspn(auth, ":/?#");
		if (host_end == auth)
			return cm_err_set(err, CM_VALIDATION, "api_endpoint",
			    "api_endpoint must have a host");
	}
	if (host_end == end)
		return CM_OK;
	if (*host_end != ':' || host_end + 1 == end || end - host_end > 6)
		goto bad_port;
	for (port = host_end + 1; port < end; port++) {
		if (*port < '0' || *port > '9')
			goto bad_port;
		v = v * 10 + (*port - '0');
	}
	if (v >= 1 && v <= 65535)
		return CM_OK;
bad_port:
	return cm_err_set(err, CM_VALIDATION, "api_endpoint",
	    "api_endpoint has a bad port (1 to 65535)");
}

enum cm_status
clusters_check_labels(const cJSON *labels, struct cm_err *err)
{
	const cJSON *item;
	size_t klen;
	int n = 0;

	if (!cJSON_IsObject(labels))
		return cm_err_set(err, CM_VALIDATION, "labels",
		    "labels must be an object of string values");
	for (item = labels->child; item != NULL; item = item->next) {
		if (++n > CLUSTER_LABELS_MAX)
			return cm_err_set(err, CM_VALIDATION, "labels",
			    "labels may have at most %d entries",
			    CLUSTER_LABELS_MAX);
		klen = strlen(item->string);
		if (klen == 0 || klen > CLUSTER_LABEL_KEY_MAX)
			return cm_err_set(err, CM_VALIDATION, "labels",
			    "label key \"%.63s\" must be 1 to %d bytes",
			    item->string, CLUSTER_LABEL_KEY_MAX);
		if (!cJSON_IsString(item) || item->valuestring == NULL)
			return cm_err_set(err, CM_VALIDATION, "labels",
			    "label \"%.63s\" must have a string value",
			    item->string);
		if (strlen(item->valuestring) > CLUSTER_LABEL_VALUE_MAX)
			return cm_err_set(err, CM_VALIDATION, "labels",
			    "label \"%.63s\" must be at most %d bytes",
			    item->string, CLUSTER_LABEL_VALUE_MAX);
	}
	return CM_OK;
}

/* Prefix err's field with "credentials." and pass its status on. */
static enum cm_status
clusters_cred_field(struct cm_err *err)
{
	char field[CM_ERR_FIELD_MAX];

	snprintf(field, sizeof field, "credentials.%.48s", err->field);
	snprintf(err->field, sizeof err->field, "%s", field);
	return err->status;
}

enum cm_status
clusters_check_credentials(const cJSON *cred, const char **kind,
    struct cm_err *err)
{
	static const char *const token_keys[] = { "kind", "token", "ca",
	    "insecure", NULL };
	static const char *const cert_keys[] = { "kind", "cert", "key",
	    "ca", "insecure", NULL };
	static const char *const kube_keys[] = { "kind", "kubeconfig", NULL };
	const char *s;
	bool b;
	int k;

	*kind = NULL;
	if (!cJSON_IsObject(cred))
		return cm_err_set(err, CM_VALIDATION, "credentials",
		    "credentials must be an object with a \"kind\"");
	if (json_get_enum(cred, "kind", true, cred_kinds, &k, err) != CM_OK)
		return clusters_cred_field(err);
	switch (k) {
	case 0:
		if (json_check_keys(cred, token_keys, err) != CM_OK ||
		    json_get_string(cred, "token", true, CRED_TOKEN_MAX, &s,
		    err) != CM_OK)
			return clusters_cred_field(err);
		break;
	case 1:
		if (json_check_keys(cred, cert_keys, err) != CM_OK ||
		    json_get_string(cred, "cert", true, CRED_PEM_MAX, &s,
		    err) != CM_OK ||
		    json_get_string(cred, "key", true, CRED_PEM_MAX, &s,
		    err) != CM_OK)
			return clusters_cred_field(err);
		break;
	default:
		/* a kubeconfig carries its own CA and TLS settings */
		if (json_check_keys(cred, kube_keys, err) != CM_OK ||
		    json_get_string(cred, "kubeconfig", true,
		    CRED_KUBECONFIG_MAX, &s, err) != CM_OK)
			return clusters_cred_field(err);
		break;
	}
	/* token and client_cert: an optional private CA, or no checks */
	if (k != 2 && (json_get_string(cred, "ca", false, CRED_PEM_MAX, &s,
	    err) != CM_OK || json_get_bool(cred, "insecure", false, &b, NULL,
	    err) != CM_OK))
		return clusters_cred_field(err);
	*kind = cred_kinds[k];
	return CM_OK;
}

/* An optional free-text field: null or "" clears it. */
static enum cm_status
clusters_parse_text(const cJSON *body, const char *key, size_t max,
    unsigned bit, const char **out, unsigned *set, struct cm_err *err)
{
	if (cJSON_GetObjectItemCaseSensitive(body, key) == NULL)
		return CM_OK;
	if (json_get_string(body, key, false, max, out, err) != CM_OK)
		return err->status;
	if (*out != NULL && **out == '\0')
		*out = NULL;
	*set |= bit;
	return CM_OK;
}

enum cm_status
clusters_parse_input(const cJSON *body, bool create, struct cluster_input *in,
    struct cm_err *err)
{
	static const char *const create_keys[] = { "name", "provider",
	    "api_endpoint", "region", "kubernetes_version", "labels",
	    "status", "credentials", "prometheus_targets", NULL };
	static const char *const update_keys[] = { "name", "api_endpoint",
	    "region", "kubernetes_version", "labels", "status",
	    "credentials", "prometheus_targets", NULL };
	const cJSON *item;
	int idx;

	memset(in, 0, sizeof *in);
	if (!create && cJSON_GetObjectItemCaseSensitive(body, "provider"))
		return cm_err_set(err, CM_VALIDATION, "provider",
		    "provider cannot be changed; de-register the cluster and "
		    "register it again");
	if (json_check_keys(body, create ? create_keys : update_keys, err) !=
	    CM_OK)
		goto fail;
	if (create || cJSON_GetObjectItemCaseSensitive(body, "name")) {
		if (json_get_string(body, "name", true, CLUSTER_NAME_MAX,
		    &in->name, err) != CM_OK ||
		    clusters_check_name(in->name, err) != CM_OK)
			goto fail;
		in->set |= CLUSTER_F_NAME;
	}
	if (create) {
		if (json_get_enum(body, "provider", true, cluster_provider_ids,
		    &idx, err) != CM_OK)
			goto fail;
		in->provider = cluster_provider_ids[idx];
		in->set |= CLUSTER_F_PROVIDER;
	}
	if (create || cJSON_GetObjectItemCaseSensitive(body, "api_endpoint")) {
		if (json_get_string(body, "api_endpoint", true,
		    CLUSTER_ENDPOINT_MAX, &in->api_endpoint, err) != CM_OK ||
		    clusters_check_endpoint(in->api_endpoint, err) != CM_OK)
			goto fail;
		in->set |= CLUSTER_F_ENDPOINT;
	}
	if (clusters_parse_text(body, "region", CLUSTER_REGION_MAX,
	    CLUSTER_F_REGION, &in->region, &in->set, err) != CM_OK ||
	    clusters_parse_text(body, "kubernetes_version",
	    CLUSTER_VERSION_MAX, CLUSTER_F_VERSION, &in->kubernetes_version,
	    &in->set, err) != CM_OK)
		goto fail;
	if ((item = cJSON_GetObjectItemCaseSensitive(body, "labels"))) {
		if (!cJSON_IsNull(item)) {
			if (clusters_check_labels(item, err) != CM_OK)
				goto fail;
			in->labels = json_print(item);
		}
		in->set |= CLUSTER_F_LABELS;
	}
	if (cJSON_GetObjectItemCaseSensitive(body, "status")) {
		if (json_get_enum(body, "status", true, cluster_statuses, &idx,
		    err) != CM_OK)
			goto fail;
		in->status = cluster_statuses[idx];
		in->set |= CLUSTER_F_STATUS;
	}
	if ((item = cJSON_GetObjectItemCaseSensitive(body, "credentials"))) {
		if (!cJSON_IsNull(item)) {
			if (clusters_check_credentials(item, &in->cred_kind,
			    err) != CM_OK)
				goto fail;
			in->cred_json = json_print(item);
		}
		in->set |= CLUSTER_F_CREDENTIALS;
	}
	if ((item = cJSON_GetObjectItemCaseSensitive(body,
	    "prometheus_targets"))) {
		if (!cJSON_IsNull(item)) {
			if (metrics_check_targets(item, err) != CM_OK)
				goto fail;
			in->prometheus_targets = json_print(item);
		}
		in->set |= CLUSTER_F_PROMETHEUS;
	}
	if (!create && in->set == 0) {
		cm_err_set(err, CM_VALIDATION, NULL,
		    "nothing to update: give at least one of name, "
		    "api_endpoint, region, kubernetes_version, labels, "
		    "status, credentials, prometheus_targets");
		goto fail;
	}
	return CM_OK;
fail:
	cluster_input_done(in);
	return err->status;
}

void
cluster_input_done(struct cluster_input *in)
{
	if (in->cred_json != NULL) {
		OPENSSL_cleanse(in->cred_json, strlen(in->cred_json));
		free(in->cred_json);
		in->cred_json = NULL;
	}
	free(in->labels);
	in->labels = NULL;
	free(in->prometheus_targets);
	in->prometheus_targets = NULL;
}

/* ---- ETag ------------------------------------------------------------ */

void
clusters_etag(const char *body, size_t len, char out[CLUSTER_ETAG_LEN])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int i;

	if (EVP_Digest(body, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen < 16)
		fatal("SHA-256 failed");
	out[0] = '"';
	for (i = 0; i < 16; i++) {
		out[1 + 2 * i] = hex[md[i] >> 4];
		out[2 + 2 * i] = hex[md[i] & 0x0f];
	}
	out[33] = '"';
	out[34] = '\0';
}

bool
clusters_etag_match(const char *if_none_match, const char *etag)
{
	size_t elen = strlen(etag);
	const char *s = if_none_match, *end;

	if (s == NULL)
		return false;
	while (*s != '\0') {
		s += strspn(s, " \t,");
		if (*s == '\0')
			break;
		if (strncmp(s, "W/", 2) == 0)
			s += 2;
		if (*s == '"') {
			end = strchr(s + 1, '"');
			if (end == NULL)
				return false;
			end++;
		} else {
			end = s + strcspn(s, " \t,");
		}
		if (end - s == 1 && *s == '*')
			return true;
		if ((size_t)(end - s) == elen && memcmp(s, etag, elen) == 0)
			return true;
		s = end + strcspn(end, ",");
	}
	return false;
}
