#!/bin/sh
# test_kubectl.sh - the real kubectl against cm-kubesim.
#
# Starts cm-kubesim seeded with the shared fixtures' core objects, points
# kubectl at the kubeconfig it writes (fresh HOME and cache), and checks
# what a user sees: get (all namespaces, -o json, nodes, label selectors,
# paging), describe, scale, get -w across a scale made by another
# process, rollout status, --raw, the usual 404 and 409 messages, and a
# watch from a too-old resourceVersion ending in a 410 ERROR event.
# Exits 77 (skipped) when kubectl, the fixtures or the binary are
# missing.  Every kubectl call is bounded by a timeout.

set -u

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
KUBESIM=${CM_KUBESIM:-$top_builddir/cm-kubesim}
FIX=$top_srcdir/../shared/fixtures/kube

if ! command -v kubectl >/dev/null 2>&1; then
	echo "kubectl not found: skipped"
	exit 77
fi
if [ ! -d "$FIX/core" ]; then
	echo "fixtures not found at $FIX: skipped"
	exit 77
fi
if [ ! -x "$KUBESIM" ]; then
	echo "cm-kubesim not found at $KUBESIM: skipped"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_kubectl.XXXXXX")
pid=
wpid=
failures=0

cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	[ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# ok NAME: ends a section; NAME passed unless a check failed in it.
mark=0
ok() {
	[ $failures -eq $mark ] && echo "ok: $*"
	mark=$failures
}

"$KUBESIM" --listen 127.0.0.1:0 --seed "$FIX/core" --history 40 \
	--kubeconfig-out "$tmp/kubeconfig" --speed 20 >"$tmp/out" \
	2>"$tmp/err" &
pid=$!
i=0
while [ ! -s "$tmp/out" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
url=$(sed -n 's/^listening on //p' "$tmp/out" | head -n 1)
if [ -z "$url" ]; then
	echo "cm-kubesim did not start:"
	cat "$tmp/err"
	exit 1
fi
echo "cm-kubesim at $url"

export HOME="$tmp/home"
mkdir -p "$HOME"
k() {
	timeout 30 kubectl --kubeconfig "$tmp/kubeconfig" \
		--cache-dir "$tmp/cache" "$@"
}

# get pods -A: kubectl's columns and the fixtures' pods.
k get pods -A >"$tmp/pods" 2>&1 || fail "get pods -A exited $?"
head -n 1 "$tmp/pods" | grep -Eq \
	'^NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE$' ||
	fail "get pods -A header: $(head -n 1 "$tmp/pods")"
grep -Eq '^kube-system +coredns-589f44dc88-4fpns +1/1 +Running +0 ' \
	"$tmp/pods" || fail "get pods -A: coredns row"
grep -Eq '^kube-system +etcd-v1.36-control-plane +1/1 +Running +0 ' \
	"$tmp/pods" || fail "get pods -A: etcd row"
# The controllers may move the recorded Pending and crashing pods on, so
# only their presence is checked.
grep -Eq '^message-pod-crashloop-backoff +init-demo +' "$tmp/pods" ||
	fail "get pods -A: crash-looping pod"
[ "$(grep -c . "$tmp/pods")" -ge 15 ] ||
	fail "get pods -A: $(grep -c . "$tmp/pods") lines"
ok "get pods -A"

# get -o json: the fixture's pods, name by name, with uid and phase.
fmt='{range .items[*]}{.metadata.name} {.metadata.uid} {.status.phase}{"\n"}{end}'
k get pods -n kube-system -o json >"$tmp/ks.json" ||
	fail "get pods -o json exited $?"
grep -q '"kind": "List"' "$tmp/ks.json" || fail "get -o json is not a List"
k get pods -n kube-system -o jsonpath="$fmt" | sort >"$tmp/got"
# kubectl reads the fixture itself: a dry run prints each item alone.
k create --dry-run=client -f "$FIX/core/podlist-kube-system.json" \
	-o jsonpath='{.metadata.name} {.metadata.uid} {.status.phase}{"\n"}' \
	2>"$tmp/want.err" | sort >"$tmp/want"
[ "$(wc -l <"$tmp/want")" -eq 8 ] || fail "fixture pods not read"
missing=$(comm -23 "$tmp/want" "$tmp/got")
[ -z "$missing" ] || fail "get -o json lacks fixture pods: $missing"
ok "get pods -o json matches the fixture"

# get nodes.
k get nodes >"$tmp/nodes" 2>&1 || fail "get nodes exited $?"
head -n 1 "$tmp/nodes" | grep -Eq '^NAME +STATUS +ROLES +AGE +VERSION$' ||
	fail "get nodes header"
grep -Eq '^ubuntu-xenial +Ready +<none> +[0-9a-z]+ +v1.10.5$' \
	"$tmp/nodes" || fail "get nodes row: $(cat "$tmp/nodes")"
ok "get nodes"

# Label selectors.
k get pods -A -l k8s-app=kube-dns --no-headers >"$tmp/sel" ||
	fail "get -l exited $?"
grep -q coredns-589f44dc88-lxdzt "$tmp/sel" || fail "-l misses coredns"
grep -q etcd "$tmp/sel" && fail "-l k8s-app=kube-dns lists etcd"
k get pods -n kube-system -l 'tier in (control-plane),component!=etcd' \
	--no-headers >"$tmp/sel2"
[ "$(wc -l <"$tmp/sel2")" -eq 3 ] ||
	fail "set-based selector: $(cat "$tmp/sel2")"
ok "label selectors"

# describe.
k describe deployment coredns -n kube-system >"$tmp/desc" 2>&1 ||
	fail "describe exited $?"
grep -Eq '^Name: +coredns$' "$tmp/desc" || fail "describe: Name"
grep -Eq '^Selector: +k8s-app=kube-dns$' "$tmp/desc" ||
	fail "describe: Selector"
grep -Eq '^Replicas: +2 desired' "$tmp/desc" || fail "describe: Replicas"
ok "describe deployment"

# get -w while another process scales: the watch shows the new count.
timeout 25 kubectl --kubeconfig "$tmp/kubeconfig" --cache-dir "$tmp/cache" \
	get deploy -n kube-system -w >"$tmp/watch" 2>&1 &
wpid=$!
i=0
while ! grep -q '^coredns' "$tmp/watch" && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
k scale deploy/coredns -n kube-system --replicas=3 >"$tmp/scale" 2>&1 ||
	fail "scale exited $?"
grep -q 'deployment.apps/coredns scaled' "$tmp/scale" ||
	fail "scale: $(cat "$tmp/scale")"
i=0
while ! grep -Eq '^coredns +[0-9]+/3 ' "$tmp/watch" && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
grep -Eq '^coredns +[0-9]+/3 ' "$tmp/watch" ||
	fail "get -w did not see the scale: $(cat "$tmp/watch")"
ok "get -w saw the scale"
kill "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
wpid=
[ "$(k get deploy coredns -n kube-system -o jsonpath='{.spec.replicas}')" = 3 ] ||
	fail "spec.replicas after scale"
ok "scale"

# A new deployment rolls out through the controllers.
cat >"$tmp/web.json" <<'EOF'
{"apiVersion": "apps/v1", "kind": "Deployment",
 "metadata": {"name": "web", "namespace": "default"},
 "spec": {"replicas": 2,
  "selector": {"matchLabels": {"app": "web"}},
  "template": {"metadata": {"labels": {"app": "web"}},
   "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}}
EOF
k create -f "$tmp/web.json" >/dev/null 2>&1 || fail "create web"
k rollout status deploy/web -n default --timeout=40s >"$tmp/rollout" 2>&1 ||
	fail "rollout status: $(cat "$tmp/rollout")"
ok "rollout status"

# Pod logs and metrics.k8s.io through kubectl.
k logs -n kube-system coredns-589f44dc88-4fpns --tail=2 >"$tmp/logs" 2>&1 ||
	fail "logs: $(cat "$tmp/logs")"
[ "$(wc -l <"$tmp/logs")" -eq 2 ] || fail "logs --tail=2: $(cat "$tmp/logs")"
k logs -n kube-system nope >"$tmp/logs404" 2>&1 && fail "logs of a missing pod"
grep -q 'pods "nope" not found' "$tmp/logs404" ||
	fail "logs 404: $(cat "$tmp/logs404")"
k top nodes >"$tmp/top" 2>&1 || fail "top nodes: $(cat "$tmp/top")"
grep -Eq '^ubuntu-xenial +[0-9]+m ' "$tmp/top" || fail "top nodes: $(cat "$tmp/top")"
ok "logs and top"

# --raw.
k get --raw /version | grep -q '"gitVersion"' || fail "get --raw /version"
ok "get --raw"

# 404 and 409 as kubectl users know them.
if k get pod nope -n default >"$tmp/404" 2>&1; then
	fail "get of a missing pod succeeded"
fi
grep -q 'Error from server (NotFound): pods "nope" not found' "$tmp/404" ||
	fail "404 message: $(cat "$tmp/404")"
cat >"$tmp/ns.json" <<'EOF'
{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}
EOF
if k create -f "$tmp/ns.json" >"$tmp/409" 2>&1; then
	fail "create of an existing namespace succeeded"
fi
grep -q 'Error from server (AlreadyExists): .*namespaces "default" already exists' \
	"$tmp/409" || fail "409 message: $(cat "$tmp/409")"
ok "404 and 409 messages"

# Paging: --chunk-size=2 over 25 pods makes 13 requests and lists all.
{
	echo '{"apiVersion": "v1", "kind": "List", "items": ['
	n=1
	while [ $n -le 25 ]; do
		[ $n -gt 1 ] && echo ','
		printf '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p%02d", "namespace": "paging"}, "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}}' "$n"
		n=$((n + 1))
	done
	echo ']}'
} >"$tmp/many.json"
k create -f "$tmp/many.json" >/dev/null 2>&1 || fail "create 25 pods"
k get pods -n paging --chunk-size=2 -v=6 >"$tmp/paged" 2>"$tmp/paged.log" ||
	fail "chunked get exited $?"
[ "$(grep -c '^p[0-9][0-9] ' "$tmp/paged")" -eq 25 ] ||
	fail "chunked get listed $(grep -c '^p[0-9]' "$tmp/paged") pods"
pages=$(grep -c 'GET .*/pods?.*limit=2' "$tmp/paged.log")
[ "$pages" -eq 13 ] || fail "chunked get made $pages requests, want 13"
ok "paging"

# A watch from a version that left the history: one 410 ERROR event.
k get --raw '/api/v1/pods?watch=true&resourceVersion=1' >"$tmp/410" 2>&1
grep -q '"type":"ERROR"' "$tmp/410" && grep -q '"code":410' "$tmp/410" &&
	grep -q '"reason":"Expired"' "$tmp/410" ||
	fail "watch from rv 1: $(cat "$tmp/410")"
[ "$(wc -l <"$tmp/410")" -eq 1 ] || fail "410 stream did not end"
ok "410 on a too-old watch"

# A clean stop on SIGTERM.
kill "$pid"
wait "$pid" || fail "cm-kubesim exited $? on SIGTERM: $(tail -n 20 "$tmp/err")"
pid=
ok "clean stop"

# TLS with a bearer token (kubectl sends tokens only over TLS) and client
# certificates signed by --client-ca; skipped without openssl or when the
# build has no client-certificate support.
tls_checks() {
	p="$tmp/pki"
	mkdir -p "$p"
	ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
	# shellcheck disable=SC2086
	openssl req -x509 $ec -keyout "$p/ca.key" -out "$p/ca.crt" -days 2 \
		-subj /CN=kubesim-test-ca >/dev/null 2>&1 &&
	openssl req $ec -keyout "$p/srv.key" -out "$p/srv.csr" \
		-subj /CN=127.0.0.1 >/dev/null 2>&1 &&
	printf 'subjectAltName=IP:127.0.0.1\n' >"$p/san" &&
	openssl x509 -req -in "$p/srv.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" \
		-CAcreateserial -out "$p/srv.crt" -days 2 -extfile "$p/san" \
		>/dev/null 2>&1 &&
	openssl req $ec -keyout "$p/cli.key" -out "$p/cli.csr" \
		-subj /CN=admin >/dev/null 2>&1 &&
	openssl x509 -req -in "$p/cli.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" \
		-CAcreateserial -out "$p/cli.crt" -days 2 >/dev/null 2>&1 &&
	openssl req -x509 $ec -keyout "$p/rogue.key" -out "$p/rogue.crt" \
		-days 2 -subj /CN=rogue >/dev/null 2>&1 || {
		echo "skipped TLS checks: openssl could not make certificates"
		return 0
	}
	certs=yes
	start_tls --client-ca "$p/ca.crt"
	if [ -z "$pid" ] && grep -q 'not supported by this build' "$tmp/err2"
	then
		echo "skipped client certificate checks: $(cat "$tmp/err2")"
		certs=no
		start_tls
	fi
	if [ -z "$pid" ]; then
		fail "TLS cm-kubesim did not start: $(cat "$tmp/err2")"
		return 0
	fi
	kt() {
		timeout 30 kubectl --kubeconfig "$1" --cache-dir "$tmp/cache2" \
			get --raw /api/v1/namespaces
	}
	kt "$tmp/tls.kubeconfig" >"$tmp/tls1" 2>&1 &&
		grep -q '"NamespaceList"' "$tmp/tls1" ||
		fail "TLS with the token: $(cat "$tmp/tls1")"
	sed 's/token: .*/token: "wrong"/' "$tmp/tls.kubeconfig" \
		>"$tmp/bad.kubeconfig"
	kt "$tmp/bad.kubeconfig" >"$tmp/tls2" 2>&1 &&
		fail "a wrong token was accepted"
	grep -q 'You must be logged in to the server (Unauthorized)' \
		"$tmp/tls2" || fail "wrong token message: $(cat "$tmp/tls2")"
	if [ $certs = yes ]; then
		cert_checks
	fi
	kill "$pid"
	wait "$pid" || fail "TLS cm-kubesim exited $?"
	pid=
	ok "TLS, bearer token and client certificates"
}

# Start the TLS server with a token and extra options; pid empty if it
# did not start.
start_tls() {
	: >"$tmp/out2"
	"$KUBESIM" --listen 127.0.0.1:0 --token s3cret --tls-cert "$p/srv.crt" \
		--tls-key "$p/srv.key" "$@" \
		--kubeconfig-out "$tmp/tls.kubeconfig" >"$tmp/out2" \
		2>"$tmp/err2" &
	pid=$!
	i=0
	while [ ! -s "$tmp/out2" ] && kill -0 "$pid" 2>/dev/null &&
		[ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if ! grep -q '^listening on https://' "$tmp/out2"; then
		wait "$pid"
		pid=
	fi
}

# A certificate signed by the CA is let in; an unknown one gets 403.
cert_checks() {
	sed "s|token: .*|client-certificate: $p/cli.crt\n    client-key: $p/cli.key|" \
		"$tmp/tls.kubeconfig" >"$tmp/cert.kubeconfig"
	kt "$tmp/cert.kubeconfig" >"$tmp/tls3" 2>&1 &&
		grep -q '"NamespaceList"' "$tmp/tls3" ||
		fail "client certificate: $(cat "$tmp/tls3")"
	sed "s|token: .*|client-certificate: $p/rogue.crt\n    client-key: $p/rogue.key|" \
		"$tmp/tls.kubeconfig" >"$tmp/rogue.kubeconfig"
	kt "$tmp/rogue.kubeconfig" >"$tmp/tls4" 2>&1 &&
		fail "an unknown client certificate was accepted"
	grep -q 'Forbidden' "$tmp/tls4" ||
		fail "unknown certificate message: $(cat "$tmp/tls4")"
}
if command -v openssl >/dev/null 2>&1; then
	tls_checks
else
	echo "skipped TLS checks: no openssl"
fi

if [ $failures -ne 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "all kubectl checks passed"
exit 0
