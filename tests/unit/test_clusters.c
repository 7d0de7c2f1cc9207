/*
 * test_clusters.c - validation helpers of the cluster registry: names,
 * endpoints, labels, credentials, whole register/update bodies, the
 * provider catalogue, and ETags.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/json.h"
#include "hub/clusters/clusters.h"

static cJSON *
parse(const char *s)
{
	cJSON *j = NULL;
	struct cm_err err;

	assert_int_equal(json_parse(s, strlen(s), JSON_REJECT_DUPLICATES, &j,
	    &err), CM_OK);
	return j;
}

/* Lowercase letters, digits and inner dashes make a valid name. */
static void
test_name_valid(void **state)
{
	struct cm_err err;
	char longest[CLUSTER_NAME_MAX + 1];

	memset(longest, 'a', CLUSTER_NAME_MAX);
	longest[CLUSTER_NAME_MAX] = '\0';
	assert_int_equal(clusters_check_name("prod-eu-1", &err), CM_OK);
	assert_int_equal(clusters_check_name("a", &err), CM_OK);
	assert_int_equal(clusters_check_name("0", &err), CM_OK);
	assert_int_equal(clusters_check_name(longest, &err), CM_OK);
}

/* Uppercase, spaces, other symbols, edge dashes and bad lengths fail. */
static void
test_name_invalid(void **state)
{
	static const char *const bad[] = { "", "Prod", "prod eu", "prod_eu",
	    "-prod", "prod-", "-", "prod.eu", "pröd", "prod\n", NULL };
	struct cm_err err;
	char toolong[CLUSTER_NAME_MAX + 2];
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		cm_err_clear(&err);
		assert_int_equal(clusters_check_name(bad[i], &err),
		    CM_VALIDATION);
		assert_string_equal(err.field, "name");
		assert_true(err.msg[0] != '\0');
	}
	memset(toolong, 'a', CLUSTER_NAME_MAX + 1);
	toolong[CLUSTER_NAME_MAX + 1] = '\0';
	assert_int_equal(clusters_check_name(toolong, &err), CM_VALIDATION);
}

/* http and https URLs with a host, port and path are accepted. */
static void
test_endpoint_valid(void **state)
{
	static const char *const good[] = { "https://k8s.example.com",
	    "https://10.0.0.1:6443", "http://localhost:8080/api",
	    "HTTPS://Example.com/", "https://[::1]:6443", "https://h?x=1",
	    NULL };
	struct cm_err err;
	size_t i;

	for (i = 0; good[i] != NULL; i++)
		assert_int_equal(clusters_check_endpoint(good[i], &err),
		    CM_OK);
}

/* No scheme, other schemes, no host, user info, spaces, bad ports fail. */
static void
test_endpoint_invalid(void **state)
{
	static const char *const bad[] = { "k8s.example.com:6443",
	    "ftp://k8s.example.com", "https://", "https:///path",
	    "https://:6443", "https://user:pw@k8s.example.com",
	    "https://k8s example.com", "https://h:0", "https://h:65536",
	    "https://h:12ab", "https://h:", "https://[]", "https://[::1",
	    "//k8s.example.com", NULL };
	struct cm_err err;
	char toolong[CLUSTER_ENDPOINT_MAX + 10];
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		cm_err_clear(&err);
		assert_int_equal(clusters_check_endpoint(bad[i], &err),
		    CM_VALIDATION);
		assert_string_equal(err.field, "api_endpoint");
	}
	strcpy(toolong, "https://");
	memset(toolong + 8, 'a', CLUSTER_ENDPOINT_MAX);
	toolong[CLUSTER_ENDPOINT_MAX + 8] = '\0';
	assert_int_equal(clusters_check_endpoint(toolong, &err),
	    CM_VALIDATION);
}

/* An object of strings, including an empty one, is valid labels. */
static void
test_labels_valid(void **state)
{
	struct cm_err err;
	cJSON *j = parse("{\"env\":\"prod\",\"team\":\"\"}");
	cJSON *e = parse("{}");

	assert_int_equal(clusters_check_labels(j, &err), CM_OK);
	assert_int_equal(clusters_check_labels(e, &err), CM_OK);
	cJSON_Delete(j);
	cJSON_Delete(e);
}

/* Non-objects, non-string values and oversized keys/values fail. */
static void
test_labels_invalid(void **state)
{
	static const char *const bad[] = { "[]", "\"env=prod\"", "null",
	    "{\"env\":1}", "{\"env\":null}", "{\"env\":{\"a\":\"b\"}}",
	    "{\"\":\"x\"}", NULL };
	struct cm_err err;
	cJSON *j;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		j = parse(bad[i]);
		cm_err_clear(&err);
		assert_int_equal(clusters_check_labels(j, &err),
		    CM_VALIDATION);
		assert_string_equal(err.field, "labels");
		cJSON_Delete(j);
	}
	j = parse("{\"env\":1}");
	assert_int_equal(clusters_check_labels(j, &err), CM_VALIDATION);
	assert_non_null(strstr(err.msg, "\"env\""));
	cJSON_Delete(j);
}

/* Label limits: 64 entries, 63-byte keys and 255-byte values. */
static void
test_labels_limits(void **state)
{
	struct cm_err err;
	cJSON *j = cJSON_CreateObject();
	char key[CLUSTER_LABEL_KEY_MAX + 2], val[CLUSTER_LABEL_VALUE_MAX + 2];
	int i;

	for (i = 0; i < CLUSTER_LABELS_MAX; i++) {
		snprintf(key, sizeof key, "k%d", i);
		cJSON_AddStringToObject(j, key, "v");
	}
	assert_int_equal(clusters_check_labels(j, &err), CM_OK);
	cJSON_AddStringToObject(j, "one-too-many", "v");
	assert_int_equal(clusters_check_labels(j, &err), CM_VALIDATION);
	cJSON_Delete(j);

	j = cJSON_CreateObject();
	memset(key, 'k', CLUSTER_LABEL_KEY_MAX + 1);
	key[CLUSTER_LABEL_KEY_MAX + 1] = '\0';
	cJSON_AddStringToObject(j, key, "v");
	assert_int_equal(clusters_check_labels(j, &err), CM_VALIDATION);
	cJSON_Delete(j);

	j = cJSON_CreateObject();
	memset(val, 'v', CLUSTER_LABEL_VALUE_MAX + 1);
	val[CLUSTER_LABEL_VALUE_MAX + 1] = '\0';
	cJSON_AddStringToObject(j, "k", val);
	assert_int_equal(clusters_check_labels(j, &err), CM_VALIDATION);
	val[CLUSTER_LABEL_VALUE_MAX] = '\0';
	cJSON_ReplaceItemInObject(j, "k", cJSON_CreateString(val));
	assert_int_equal(clusters_check_labels(j, &err), CM_OK);
	cJSON_Delete(j);
}

/* Each credentials kind is accepted with exactly its fields. */
static void
test_credentials_valid(void **state)
{
	struct cm_err err;
	const char *kind;
	cJSON *j;

	j = parse("{\"kind\":\"token\",\"token\":\"s3cret\"}");
	assert_int_equal(clusters_check_credentials(j, &kind, &err), CM_OK);
	assert_string_equal(kind, "token");
	cJSON_Delete(j);
	j = parse("{\"kind\":\"client_cert\",\"cert\":\"C\",\"key\":\"K\"}");
	assert_int_equal(clusters_check_credentials(j, &kind, &err), CM_OK);
	assert_string_equal(kind, "client_cert");
	cJSON_Delete(j);
	j = parse("{\"kind\":\"kubeconfig\","
	    "\"kubeconfig\":\"apiVersion: v1\"}");
	assert_int_equal(clusters_check_credentials(j, &kind, &err), CM_OK);
	assert_string_equal(kind, "kubeconfig");
	cJSON_Delete(j);
}

/* Bad credentials name a credentials.* field and never echo the secret. */
static void
test_credentials_invalid(void **state)
{
	static const struct {
		const char *json;
		const char *field;
	} bad[] = {
		{ "\"tok\"", "credentials" },
		{ "{\"token\":\"s3cret\"}", "credentials.kind" },
		{ "{\"kind\":\"password\",\"token\":\"s3cret\"}",
		    "credentials.kind" },
		{ "{\"kind\":\"token\"}", "credentials.token" },
		{ "{\"kind\":\"token\",\"token\":\"\"}", "credentials.token" },
		{ "{\"kind\":\"token\",\"token\":5}", "credentials.token" },
		{ "{\"kind\":\"token\",\"token\":\"s3cret\",\"x\":1}",
		    "credentials.x" },
		{ "{\"kind\":\"client_cert\",\"cert\":\"s3cret\"}",
		    "credentials.key" },
		{ "{\"kind\":\"kubeconfig\",\"token\":\"s3cret\"}",
		    "credentials.token" },
	};
	struct cm_err err;
	const char *kind;
	cJSON *j;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		j = parse(bad[i].json);
		cm_err_clear(&err);
		assert_int_equal(clusters_check_credentials(j, &kind, &err),
		    CM_VALIDATION);
		assert_string_equal(err.field, bad[i].field);
		assert_null(strstr(err.msg, "s3cret"));
		assert_null(kind);
		cJSON_Delete(j);
	}
}

/* A full register body fills every field; credentials become JSON. */
static void
test_parse_create_full(void **state)
{
	struct cluster_input in;
	struct cm_err err;
	cJSON *j = parse("{\"name\":\"prod-eu\",\"provider\":\"aws\","
	    "\"api_endpoint\":\"https://k8s:6443\",\"region\":\"eu-west-1\","
	    "\"kubernetes_version\":\"1.30\",\"labels\":{\"env\":\"prod\"},"
	    "\"status\":\"healthy\",\"credentials\":{\"kind\":\"token\","
	    "\"token\":\"abc\"}}");
	cJSON *cred;

	assert_int_equal(clusters_parse_input(j, true, &in, &err), CM_OK);
	assert_string_equal(in.name, "prod-eu");
	assert_string_equal(in.provider, "aws");
	assert_string_equal(in.api_endpoint, "https://k8s:6443");
	assert_string_equal(in.region, "eu-west-1");
	assert_string_equal(in.kubernetes_version, "1.30");
	assert_string_equal(in.labels, "{\"env\":\"prod\"}");
	assert_string_equal(in.status, "healthy");
	assert_string_equal(in.cred_kind, "token");
	cred = parse(in.cred_json);
	assert_string_equal(cJSON_GetObjectItem(cred, "token")->valuestring,
	    "abc");
	cJSON_Delete(cred);
	assert_int_equal(in.set, CLUSTER_F_NAME | CLUSTER_F_PROVIDER |
	    CLUSTER_F_ENDPOINT | CLUSTER_F_REGION | CLUSTER_F_VERSION |
	    CLUSTER_F_LABELS | CLUSTER_F_STATUS | CLUSTER_F_CREDENTIALS);
	cluster_input_done(&in);
	assert_null(in.cred_json);
	assert_null(in.labels);
	cluster_input_done(&in);
	cJSON_Delete(j);
}

/* A minimal register body leaves optional fields unset and NULL. */
static void
test_parse_create_minimal(void **state)
{
	struct cluster_input in;
	struct cm_err err;
	cJSON *j = parse("{\"name\":\"a\",\"provider\":\"on_prem\","
	    "\"api_endpoint\":\"http://h\"}");

	assert_int_equal(clusters_parse_input(j, true, &in, &err), CM_OK);
	assert_null(in.region);
	assert_null(in.status);
	assert_null(in.labels);
	assert_null(in.cred_json);
	assert_int_equal(in.set, CLUSTER_F_NAME | CLUSTER_F_PROVIDER |
	    CLUSTER_F_ENDPOINT);
	cluster_input_done(&in);
	cJSON_Delete(j);
}

/* Each bad register body is a 422 naming the offending field. */
static void
test_parse_create_invalid(void **state)
{
	static const struct {
		const char *json;
		const char *field;
	} bad[] = {
		{ "{\"provider\":\"aws\",\"api_endpoint\":\"http://h\"}",
		    "name" },
		{ "{\"name\":\"a\",\"api_endpoint\":\"http://h\"}",
		    "provider" },
		{ "{\"name\":\"a\",\"provider\":\"ibm\","
		    "\"api_endpoint\":\"http://h\"}", "provider" },
		{ "{\"name\":\"a\",\"provider\":\"aws\"}", "api_endpoint" },
		{ "{\"name\":\"A\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"http://h\"}", "name" },
		{ "{\"name\":\"a\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"h:6443\"}", "api_endpoint" },
		{ "{\"name\":\"a\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"http://h\",\"labels\":[]}", "labels" },
		{ "{\"name\":\"a\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"http://h\",\"status\":\"up\"}",
		    "status" },
		{ "{\"name\":\"a\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"http://h\",\"region\":7}", "region" },
		{ "{\"name\":\"a\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"http://h\",\"colour\":\"red\"}",
		    "colour" },
		{ "{\"name\":\"a\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"http://h\",\"credentials\":"
		    "{\"kind\":\"token\"}}", "credentials.token" },
	};
	struct cluster_input in;
	struct cm_err err;
	cJSON *j;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		j = parse(bad[i].json);
		cm_err_clear(&err);
		assert_int_equal(clusters_parse_input(j, true, &in, &err),
		    CM_VALIDATION);
		assert_string_equal(err.field, bad[i].field);
		cJSON_Delete(j);
	}
}

/* An update takes only given fields; null clears optional ones. */
static void
test_parse_update(void **state)
{
	struct cluster_input in;
	struct cm_err err;
	cJSON *j = parse("{\"status\":\"warning\",\"region\":null,"
	    "\"credentials\":null}");

	assert_int_equal(clusters_parse_input(j, false, &in, &err), CM_OK);
	assert_int_equal(in.set, CLUSTER_F_STATUS | CLUSTER_F_REGION |
	    CLUSTER_F_CREDENTIALS);
	assert_string_equal(in.status, "warning");
	assert_null(in.region);
	assert_null(in.cred_json);
	assert_null(in.name);
	cluster_input_done(&in);
	cJSON_Delete(j);
}

/* An update may not be empty, change the provider or null the name. */
static void
test_parse_update_invalid(void **state)
{
	static const struct {
		const char *json;
		const char *field;
	} bad[] = {
		{ "{}", "" },
		{ "{\"provider\":\"gcp\"}", "provider" },
		{ "{\"name\":null}", "name" },
		{ "{\"status\":null}", "status" },
		{ "{\"api_endpoint\":\"\"}", "api_endpoint" },
	};
	struct cluster_input in;
	struct cm_err err;
	cJSON *j;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		j = parse(bad[i].json);
		cm_err_clear(&err);
		assert_int_equal(clusters_parse_input(j, false, &in, &err),
		    CM_VALIDATION);
		assert_string_equal(err.field, bad[i].field);
		cJSON_Delete(j);
	}
}

/* The catalogue knows the four providers by id and display name. */
static void
test_providers(void **state)
{
	assert_true(providers_valid("on_prem"));
	assert_true(providers_valid("azure"));
	assert_false(providers_valid("AWS"));
	assert_false(providers_valid(""));
	assert_false(providers_valid(NULL));
	assert_string_equal(providers_name("gcp"), "Google Cloud");
	assert_null(providers_name("ibm"));
}

/* The ETag is the quoted first 32 hex digits of the body's SHA-256. */
static void
test_etag(void **state)
{
	char a[CLUSTER_ETAG_LEN], b[CLUSTER_ETAG_LEN];

	clusters_etag("", 0, a);
	/* SHA-256("") starts e3b0c442 98fc1c14 9afbf4c8 996fb924 */
	assert_string_equal(a, "\"e3b0c44298fc1c149afbf4c8996fb924\"");
	clusters_etag("{\"items\":[]}", 12, a);
	clusters_etag("{\"items\":[1]}", 13, b);
	assert_int_equal(strlen(a), CLUSTER_ETAG_LEN - 1);
	assert_string_not_equal(a, b);
}

/* If-None-Match matches exact, listed, weak and "*" forms only. */
static void
test_etag_match(void **state)
{
	const char *e = "\"0123456789abcdef0123456789abcdef\"";

	assert_false(clusters_etag_match(NULL, e));
	assert_false(clusters_etag_match("", e));
	assert_true(clusters_etag_match(e, e));
	assert_true(clusters_etag_match("*", e));
	assert_true(clusters_etag_match(
	    "W/\"0123456789abcdef0123456789abcdef\"", e));
	assert_true(clusters_etag_match(
	    "\"x\", \"0123456789abcdef0123456789abcdef\"", e));
	assert_false(clusters_etag_match("\"x\", \"y\"", e));
	assert_false(clusters_etag_match(
	    "0123456789abcdef0123456789abcdef", e));
	assert_false(clusters_etag_match(
	    "\"0123456789abcdef0123456789abcdee\"", e));
	assert_false(clusters_etag_match("\"0123456789abcdef", e));
	assert_false(clusters_etag_match("**", e));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_name_invalid),
		cmocka_unit_test(test_endpoint_valid),
		cmocka_unit_test(test_endpoint_invalid),
		cmocka_unit_test(test_labels_valid),
		cmocka_unit_test(test_labels_invalid),
		cmocka_unit_test(test_labels_limits),
		cmocka_unit_test(test_credentials_valid),
		cmocka_unit_test(test_credentials_invalid),
		cmocka_unit_test(test_parse_create_full),
		cmocka_unit_test(test_parse_create_minimal),
		cmocka_unit_test(test_parse_create_invalid),
		cmocka_unit_test(test_parse_update),
		cmocka_unit_test(test_parse_update_invalid),
		cmocka_unit_test(test_providers),
		cmocka_unit_test(test_etag),
		cmocka_unit_test(test_etag_match),
	};

	return cmocka_run_group_tests_name("clusters", tests, NULL, NULL);
}
