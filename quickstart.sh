#!/bin/sh
# quickstart.sh - set up a Debian 12 machine and run ClusterMaster.
#
#   ./quickstart.sh run    install, build, start the hub on sqlite with demo data
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
curl ca-certificates wrk nginx-light"

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
		    --admin-password-file "$pwfile" --demo
	fi
	pw=$(cat "$pwfile")
	cat <<MSG

ClusterMaster hub on $listen (sqlite store in $data)
  log in as admin@demo.test, password: $pw
  try:
    TOKEN=\$(curl -s http://$listen/api/v1/auth/login \\
      -d '{"email":"admin@demo.test","password":"$pw"}' |
      sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
    curl -s -H "Authorization: Bearer \$TOKEN" http://$listen/api/v1/dashboard/summary
  API reference: http://$listen/api/v1/openapi.yaml   (Ctrl-C stops the hub)

MSG
	exec build/release/cmhubd serve --data "$data" --listen "$listen"
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
run) cmd_run ;;
test) cmd_test ;;
*)
	echo "usage: $0 run|test" >&2
	exit 2
	;;
esac
