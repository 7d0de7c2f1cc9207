/*
 * promtext.c - cm-kubesim's Prometheus text endpoint.  See promtext.h.
 */
#include "config.h"

#include "sim/promtext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/strbuf.h"
#include "sim/ctl.h"
#include "sim/objstore.h"

char *
promtext_render(struct objstore *st, int64_t now_ms, int64_t started_ms,
    size_t *len)
{
	static const char *const resources[] = { CTL_R_PODS, CTL_R_NODES,
	    CTL_R_DEPLOY, CTL_R_RS, CTL_R_STS, CTL_R_DS };
	static const double le[] = { 0.005, 0.025, 0.1, 0.5, 1, 5 };
	struct strbuf b = { NULL, 0, 0 };
	uint64_t rv = objstore_rv(st);
	double up = (double)(now_ms - started_ms) / 1000.0, total, part;
	size_t i;

	strbuf_add(&b, "", 0);
	strbuf_printf(&b, "# HELP apiserver_storage_objects Number of stored "
	    "objects at the time of last check split by kind.\n"
	    "# TYPE apiserver_storage_objects gauge\n");
	for (i = 0; i < sizeof resources / sizeof resources[0]; i++)
		strbuf_printf(&b, "apiserver_storage_objects{resource=\"%s\"} "
		    "%zu\n", resources[i], objstore_count(st, resources[i],
		    NULL));
	total = (double)rv * 3 + up;
	strbuf_printf(&b, "# HELP apiserver_request_total Counter of "
	    "apiserver requests broken out for each verb and HTTP response "
	    "code.\n# TYPE apiserver_request_total counter\n"
	    "apiserver_request_total{code=\"200\",verb=\"LIST\"} %.0f\n"
	    "apiserver_request_total{code=\"200\",verb=\"WATCH\"} %.0f\n"
	    "apiserver_request_total{code=\"404\",verb=\"GET\"} %.0f\n",
	    total, (double)rv, up / 60);
	strbuf_printf(&b, "# HELP apiserver_request_duration_seconds Response "
	    "latency distribution in seconds.\n"
	    "# TYPE apiserver_request_duration_seconds histogram\n");
	for (i = 0; i < sizeof le / sizeof le[0]; i++) {
		part = total * (1.0 - 0.5 / (double)(i + 1));
		strbuf_printf(&b, "apiserver_request_duration_seconds_bucket"
		    "{verb=\"LIST\",le=\"%g\"} %.0f\n", le[i], part);
	}
	strbuf_printf(&b, "apiserver_request_duration_seconds_bucket"
	    "{verb=\"LIST\",le=\"+Inf\"} %.0f\n"
	    "apiserver_request_duration_seconds_sum{verb=\"LIST\"} %.3f\n"
	    "apiserver_request_duration_seconds_count{verb=\"LIST\"} %.0f\n",
	    total, total * 0.012, total);
	strbuf_printf(&b, "# HELP go_gc_duration_seconds A summary of the "
	    "pause duration of garbage collection cycles.\n"
	    "# TYPE go_gc_duration_seconds summary\n"
	    "go_gc_duration_seconds{quantile=\"0\"} 2.1e-05\n"
	    "go_gc_duration_seconds{quantile=\"0.5\"} 6.4e-05\n"
	    "go_gc_duration_seconds{quantile=\"1\"} 0.000912\n"
	    "go_gc_duration_seconds_sum %.6f\n"
	    "go_gc_duration_seconds_count %.0f\n", up * 1e-5, up / 10);
	strbuf_printf(&b, "# HELP process_start_time_seconds Start time of "
	    "the process since unix epoch in seconds.\n"
	    "# TYPE process_start_time_seconds gauge\n"
	    "process_start_time_seconds %.3f\n",
	    (double)started_ms / 1000.0);
	strbuf_printf(&b, "# HELP kubesim_info Build of the simulator, with "
	    "a \\\\ backslash and a\\nnewline in its help.\n"
	    "# TYPE kubesim_info gauge\n"
	    "kubesim_info{path=\"C:\\\\sim\",quote=\"say \\\"hi\\\"\"} 1\n"
	    "kubesim_temperature_celsius NaN\n");
	*len = b.len;
	return b.s;
}
