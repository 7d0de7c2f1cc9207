# metrics_hub.sh - what bench/ingest and bench/query share: a throw-away
# hub in a temporary directory, messages, and the PASS/MISS verdict.
# Sourced; expects CMHUBD, METRICS_LOAD, WORKERS and NAME to be set.

ADMIN_EMAIL=admin@bench.test
ADMIN_PASSWORD=bench-Pass-4f8a1c2e-long-enough

dir=
hub_pid=

msg() {
	printf '%s: %s\n' "$NAME" "$*" >&2
}

die() {
	msg "error: $*"
	exit 1
}

# shellcheck disable=SC2317  # called from the trap
cleanup() {
	if [ -n "$hub_pid" ]; then
		kill "$hub_pid" 2>/dev/null
		wait "$hub_pid" 2>/dev/null
	fi
	if [ -n "$dir" ]; then
		if [ -n "${BENCH_KEEP:-}" ]; then
			msg "kept $dir"
		else
			rm -rf "$dir"
		fi
	fi
}

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ -x "$CMHUBD" ] || die "CMHUBD=$CMHUBD is not an executable (build cmhubd)"
[ -x "$METRICS_LOAD" ] ||
	die "METRICS_LOAD=$METRICS_LOAD is not an executable (make bench/metrics_load)"

sanitized=
if command -v ldd >/dev/null 2>&1 &&
	ldd "$CMHUBD" 2>/dev/null | grep -Eq 'lib(a|t|ub)san'; then
	sanitized=1
	msg "warning: $CMHUBD is built with sanitizers; configure without" \
		"--enable-sanitizers for representative figures"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/$NAME.XXXXXX") || die "mktemp failed"

# verdict LABEL VALUE OP TARGET: one PASS/MISS line (OP is >= or <).
verdict() {
	awk -v l="$1" -v v="$2" -v op="$3" -v t="$4" 'BEGIN {
		ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 < t + 0)
		printf "%-28s %12s   target %s %s   %s\n", l, v, op, t,
		    ok ? "PASS" : "MISS"
	}'
}

hub_start() {
	printf '%s\n' "$ADMIN_PASSWORD" >"$dir/password"
	chmod 600 "$dir/password"
	# Rate limits off, bodies up to 4 MiB (a 10,000-point batch is about
	# 1.1 MB), no retention pass during the run.
	cat >"$dir/hub.yaml" <<EOF2
threads: $WORKERS
rate_read_per_min: 0
rate_write_per_min: 0
body_max: 4194304
conn_limit: 65536
per_ip_conn_limit: 0
metrics_retention_interval: 86400
EOF2
	"$CMHUBD" init --data "$dir/data" --tenant bench \
		--admin-email "$ADMIN_EMAIL" \
		--admin-password-file "$dir/password" >"$dir/init.log" 2>&1 ||
		die "cmhubd init failed: $(cat "$dir/init.log")"
	"$CMHUBD" serve --listen 127.0.0.1:0 --data "$dir/data" \
		--config "$dir/hub.yaml" >"$dir/hub.out" 2>"$dir/hub.err" &
	hub_pid=$!
	hub_url=
	_tries=0
	while [ $_tries -lt 100 ]; do
		_line=$(sed -n 1p "$dir/hub.out" 2>/dev/null)
		case $_line in
		"listening on http://"*)
			hub_url=${_line#listening on }
			break
			;;
		esac
		kill -0 "$hub_pid" 2>/dev/null || break
		sleep 0.1
		_tries=$((_tries + 1))
	done
	[ -n "$hub_url" ] ||
		die "cmhubd serve did not report its address: $(cat "$dir/hub.err")"
}
