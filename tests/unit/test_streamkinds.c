/*
 * test_streamkinds.c - which kinds an event of the hub's stream makes
 * the console fetch again.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "backend/streamkinds.h"

/* An alert change touches the alert lists and the header's counts, not
 * the cluster list or the audit trail. */
static void
test_alert(void **state)
{
	bool k[SOURCE_KIND_COUNT];

	assert_true(streamkinds_of("alert.changed", k));
	assert_true(k[SOURCE_ALERTS] && k[SOURCE_CLUSTER_ALERTS] &&
	    k[SOURCE_DASHBOARD] && k[SOURCE_NOTIFICATIONS] &&
	    k[SOURCE_ALERT_HISTORY]);
	assert_false(k[SOURCE_CLUSTERS]);
	assert_false(k[SOURCE_AUDIT]);
}

/* Metrics ticks refresh the charts and the fleet numbers only. */
static void
test_metrics_and_cluster(void **state)
{
	bool k[SOURCE_KIND_COUNT];

	assert_true(streamkinds_of("metrics.tick", k));
	assert_true(k[SOURCE_METRICS] && k[SOURCE_FLEET] &&
	    k[SOURCE_CLUSTER_METRICS]);
	assert_false(k[SOURCE_ALERTS]);
	assert_true(streamkinds_of("cluster.status", k));
	assert_true(k[SOURCE_CLUSTERS] && k[SOURCE_CLUSTER] &&
	    k[SOURCE_DASHBOARD]);
	assert_true(streamkinds_of("notification", k));
	assert_true(k[SOURCE_NOTIFICATIONS]);
	assert_false(k[SOURCE_DASHBOARD]);
	assert_true(streamkinds_of("deployment.changed", k));
	assert_true(k[SOURCE_ROLLOUTS]);
}

/* "reset" and types we do not know mean everything. */
static void
test_everything(void **state)
{
	bool k[SOURCE_KIND_COUNT];

	assert_false(streamkinds_of("reset", k));
	assert_false(k[SOURCE_ALERTS]);
	assert_false(streamkinds_of("policy.changed", k));
	assert_false(streamkinds_of(NULL, k));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert),
		cmocka_unit_test(test_metrics_and_cluster),
		cmocka_unit_test(test_everything),
	};

	return cmocka_run_group_tests_name("streamkinds", tests, NULL, NULL);
}
