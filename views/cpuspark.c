/*
 * cpuspark.c - per-cluster CPU sparklines from one fleet query.  See
 * cpuspark.h.
 *
 * State is file-static: there is one UI thread and one fleet series,
 * whichever views show it.  The last snapshot read is kept with a count
 * of the views watching, and dropped when the last one goes, so a new
 * session never shows the previous one's lines.
 */
#include "config.h"

#include "views/cpuspark.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backend/feed.h"
#include "backend/metricscope.h"
#include "backend/timeutil.h"
#include "tui/spark.h"
#include "views/app.h"
#include "views/listview.h"

#define CPUSPARK_SCOPE "cpu_percent@1h"
#define CPUSPARK_HOUR_MS 3600000.0

static struct feed_state cpuspark_fs;
static int cpuspark_watchers;
static unsigned long cpuspark_gen;

void
cpuspark_watch(struct app *app)
{
	if (app_kube(app))
		return;
	feed_watch(app_feed(app), SOURCE_METRICS, CPUSPARK_SCOPE,
	    app_refresh_ms(app) * 5);
	cpuspark_watchers++;
}

void
cpuspark_unwatch(struct app *app)
{
	if (app_kube(app) || cpuspark_watchers == 0)
		return;
	feed_unwatch(app_feed(app), SOURCE_METRICS, CPUSPARK_SCOPE);
	if (--cpuspark_watchers == 0) {
		snapshot_unref(cpuspark_fs.snap);
		memset(&cpuspark_fs, 0, sizeof cpuspark_fs);
	}
}

unsigned long
cpuspark_refresh(struct app *app)
{
	struct feed_state fs;

	if (app_kube(app) || cpuspark_watchers == 0)
		return cpuspark_gen;
	feed_get(app_feed(app), SOURCE_METRICS, CPUSPARK_SCOPE, &fs);
	if (fs.snap != cpuspark_fs.snap)
		cpuspark_gen++;
	snapshot_unref(cpuspark_fs.snap);
	cpuspark_fs = fs;
	return cpuspark_gen;
}

/* The series of cluster_id in the snapshot, or NULL. */
static const cJSON *
cpuspark_points(const char *cluster_id)
{
	const cJSON *ser;

	if (cpuspark_fs.snap == NULL || cluster_id == NULL)
		return NULL;
	cJSON_ArrayForEach(ser, cJSON_GetObjectItemCaseSensitive(
	    cpuspark_fs.snap->data, "series"))
		if (strcmp(listview_str(ser, "cluster_id"), cluster_id) == 0)
			return cJSON_GetObjectItemCaseSensitive(ser,
			    "points");
	return NULL;
}

double
cpuspark_last(const char *cluster_id)
{
	const cJSON *pts = cpuspark_points(cluster_id), *pt;
	double last = -1;

	cJSON_ArrayForEach(pt, pts) {
		const cJSON *v = cJSON_GetArrayItem(pt, 1);

		if (cJSON_IsNumber(v))
			last = v->valuedouble;
	}
	return last;
}

void
cpuspark_cell(const char *cluster_id, char *out, size_t len)
{
	const cJSON *pts = cpuspark_points(cluster_id), *pt;
	double t[256], v[256], buckets[CPUSPARK_WIDTH], to, last;
	char spark[SPARK_BYTES(CPUSPARK_WIDTH)];
	int64_t ms;
	size_t n = 0;

	out[0] = '\0';
	if (pts == NULL || cJSON_GetArraySize(pts) == 0)
		return;
	cJSON_ArrayForEach(pt, pts) {
		const cJSON *a = cJSON_GetArrayItem(pt, 0);
		const cJSON *b = cJSON_GetArrayItem(pt, 1);

		if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b) || n >= 256)
			continue;
		t[n] = a->valuedouble;
		v[n++] = b->valuedouble;
	}
	if (n == 0)
		return;
	to = time_parse_rfc3339(listview_str(cpuspark_fs.snap->data, "to"),
	    &ms, NULL) == CM_OK ? (double)ms : t[n - 1] + 1;
	spark_resample(t, v, n, to - CPUSPARK_HOUR_MS, to, buckets,
	    CPUSPARK_WIDTH);
	spark_format(spark, sizeof spark, buckets, CPUSPARK_WIDTH,
	    CPUSPARK_WIDTH, 100);
	last = cpuspark_last(cluster_id);
	snprintf(out, len, "%s %3.0f%%", spark, last);
}
