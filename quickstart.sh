#!/bin/sh
# quickstart.sh - set up a Debian 12 machine and run ClusterMaster.
#
#   ./quickstart.sh run    install, build, start the demo hub (sqlite) and
#                          the console on it (--hub-only: just the hub)
#   ./quickstart.sh test   install, build with sanitizers, run every test
#
# Both are safe to run again: packages already present are skipped, the
# build is incremental, and the demo data dir is created only once.
set -eu

top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

# Debian packages: build tools, libraries, and what the tests drive.
PACKAGES="build-essential autoconf automake autoconf-archive libtool pkg-config
libmicrohttpd-dev libcjson-dev libyaml-dev libcurl4-openssl-dev libssl-dev
libsodium-dev libsqlite3-dev libcmocka-dev libncurses-dev libvterm-dev
curl ca-certificates wrk nginx-light libgnutls28-dev"

say() { printf '==> %s\n' "$*"; }

install_packages() {
	missing=
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	say "installing:$missing"
	SUDO=
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
	    --no-install-recommends $missing >/dev/null
}

# build DIR CONFIGURE-ARGS...: out-of-tree build, configured once.
build() {
	dir=$1
	shift
	[ -x configure ] && [ configure -nt configure.ac ] ||
	    autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ] ||
	    [ "$(cat "$dir/.cm-configure-args" 2>/dev/null)" != "$*" ]; then
		say "configuring $dir ($*)"
		(cd "$dir" && "$top/configure" -q "$@")
		echo "$*" > "$dir/.cm-configure-args"
	fi
	say "building in $dir"
	make -C "$dir" -s -j"$(nproc)" >/dev/null
}

# Simulated clusters: name, port, nodes, pods.  Fixed ports, so the
# clusters registered in the demo hub stay valid from run to run.
SIMS="sim-lab:16443:3:40 sim-prod:16444:8:240 sim-edge:16445:2:12"

start_sims() {
	tokfile="$1.simtoken"
	[ -f "$tokfile" ] || head -c 18 /dev/urandom | base64 |
	    tr '+/' 'xy' > "$tokfile"
	simtoken=$(cat "$tokfile")
	for s in $SIMS; do
		IFS=: read -r name port nodes pods <<EOF_SIM
$s
EOF_SIM
		build/release/cm-kubesim --listen "127.0.0.1:$port" \
		    --cluster "$name" --nodes "$nodes" --pods "$pods" \
		    --token "$simtoken" > "$1/../$name.log" 2>&1 &
		pids="$pids $!"
	done
}

# Register each simulated cluster in the hub once (409 when it is there).
register_sims() {
	token=$(curl -s "http://$1/api/v1/auth/login" \
	    -d '{"email":"admin@demo.test","password":"'"$2"'"}' |
	    sed 's/.*"access_token":"\([^"]*\)".*/\1/')
	for s in $SIMS; do
		IFS=: read -r name port nodes pods <<EOF_SIM
$s
EOF_SIM
		curl -s -o /dev/null -H "Authorization: Bearer $token" \
		    "http://$1/api/v1/clusters" -d '{"name":"'"$name"'",
		    "provider":"on_prem","region":"simulated",
		    "api_endpoint":"http://127.0.0.1:'"$port"'",
		    "credentials":{"kind":"token","token":"'"$simtoken"'"}}'
	done
}

cmd_run() {
	install_packages
	build build/release --enable-werror
	data=${CM_DEMO_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/clustermaster/demo}
	listen=${CM_LISTEN:-127.0.0.1:8080}
	pwfile="$data.password"
	mkdir -p "$(dirname "$data")"
	if [ ! -f "$data/jwt.key" ]; then
		umask 077
		[ -f "$pwfile" ] || head -c 18 /dev/urandom | base64 |
		    tr '+/' 'xy' > "$pwfile"
		build/release/cmhubd init --data "$data" --tenant demo \
		    --admin-email admin@demo.test \
		    --admin-password-file "$pwfile" --demo >/dev/null
	fi
	pw=$(cat "$pwfile")
	if [ "${1:-}" = "--hub-only" ] || [ ! -t 0 ]; then
		cat <<MSG

ClusterMaster hub on $listen (sqlite store in $data)
  log in as admin@demo.test, password: $pw
  console:  build/release/cm login --hub http://$listen --email admin@demo.test && build/release/cm
  API reference: http://$listen/api/v1/openapi.yaml   (Ctrl-C stops the hub)

MSG
		exec build/release/cmhubd serve --data "$data" --listen "$listen"
	fi
	# Simulated clusters, the hub in the background, the console in
	# front; all of them stop when the console does.
	log="$data/../demo-hub.log"
	pids=
	trap 'kill $pids 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
	start_sims "$data"
	build/release/cmhubd serve --data "$data" --listen "$listen" \
	    --set collect_interval=5 > "$log" 2>&1 &
	pids="$pids $!"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		grep -q "^listening on" "$log" 2>/dev/null && break
		sleep 0.3
	done
	if ! grep -q "^listening on" "$log"; then
		cat "$log" >&2
		echo "quickstart: the hub did not start (is $listen in use?" \
		    "set CM_LISTEN)" >&2
		exit 1
	fi
	build/release/cm login --hub "http://$listen" --email admin@demo.test \
	    --password-file "$pwfile" --context demo >/dev/null
	register_sims "$listen" "$pw"
	echo "ClusterMaster: hub on $listen, admin@demo.test / $pw"
	build/release/cm --context demo
}

cmd_test() {
	install_packages
	build build/check --enable-sanitizers --enable-werror
	say "running the test suite"
	rc=0
	make -C build/check -s -j2 check >/dev/null 2>&1 || rc=$?
	sh "$top/scripts/test-totals.sh" build/check || rc=1
	return $rc
}

case "${1:-}" in
run) shift; cmd_run "$@" ;;
test) cmd_test ;;
*)
	echo "usage: $0 run|test" >&2
	exit 2
	;;
esac
