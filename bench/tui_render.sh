#!/bin/sh
#
# tui_render.sh - the console's table widget with 10,000 rows: CPU
# instructions per full frame and per filter keystroke, bytes written to
# the terminal when one row changes, and peak RSS.
#
# Runs bench/tui_render (see bench/tui_render.c) in each of its modes.
# Instructions are counted by callgrind with --toggle-collect on the
# function that does the measured step, so the figure leaves out set-up
# and is the same from run to run on the same build; bytes and RSS come
# from plain runs.  Prints one table, the two targets marked PASS or MISS.
#
# It reports; it does not gate: the exit status is 0 whenever the bench
# ran, whatever the figures.  It exits non-zero only if something fails
# to run.  Without valgrind, or on a sanitizer build (valgrind cannot run
# one), the instruction figures are shown as "-" with a warning.
#
# Environment:
#   TUI_RENDER    the bench program (default: ./bench/tui_render)
#   VALGRIND      valgrind (default: from PATH)
#   BENCH_FRAMES  full frames counted under callgrind (default: 20)
#   BENCH_KEEP    if set, keep the temporary directory (callgrind files)
#
# Targets (from the requirement): one-row change under 1 KB written,
# peak RSS under 20 MB; the instruction figures are recorded in the
# README's performance section.

set -u

TUI_RENDER=${TUI_RENDER:-./bench/tui_render}
VALGRIND=${VALGRIND:-valgrind}
FRAMES=${BENCH_FRAMES:-20}

TARGET_ONEROW_BYTES=1024
TARGET_RSS_BYTES=20000000	# 20 MB; ru_maxrss is in KiB

dir=

msg() {
	printf 'tui_render: %s\n' "$*" >&2
}

die() {
	msg "error: $*"
	exit 1
}

# shellcheck disable=SC2317  # called from the trap
cleanup() {
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

# --- checks ---------------------------------------------------------------

[ -x "$TUI_RENDER" ] ||
	die "TUI_RENDER=$TUI_RENDER is not an executable" \
		"(make bench/tui_render)"
case $FRAMES in
'' | *[!0-9]* | 0) die "BENCH_FRAMES=$FRAMES is not a positive number" ;;
esac

sanitized=
if command -v ldd >/dev/null 2>&1 &&
	ldd "$TUI_RENDER" 2>/dev/null | grep -Eq 'lib(a|t|ub)san'; then
	sanitized=1
	msg "warning: $TUI_RENDER is built with sanitizers: no instruction" \
		"counts, and RSS is inflated; configure without" \
		"--enable-sanitizers for representative figures"
fi

cg=1
if [ -n "$sanitized" ]; then
	cg=
elif ! command -v "$VALGRIND" >/dev/null 2>&1; then
	cg=
	msg "warning: $VALGRIND not found: no instruction counts" \
		"(install valgrind)"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/tui_render.XXXXXX") || die "mktemp failed"

# run NAME MODE [ARGS...]: the program natively, "name value" lines in
# $dir/NAME.out.
run() {
	_name=$1
	shift
	"$TUI_RENDER" "$@" >"$dir/$_name.out" 2>"$dir/$_name.err" ||
		die "tui_render $* failed: $(cat "$dir/$_name.err")"
}

# callgrind NAME FUNCTION MODE [ARGS...]: the program under callgrind,
# counting only inside FUNCTION (and what it calls); prints the total Ir.
# The pattern ends in "*" because the compiler may rename a static
# function it specialised (bench_update.constprop.0).
callgrind() {
	_name=$1
	_fn=$2
	shift 2
	"$VALGRIND" --tool=callgrind --callgrind-out-file="$dir/$_name.cg" \
		--toggle-collect="$_fn*" "$TUI_RENDER" "$@" \
		>"$dir/$_name.out" 2>"$dir/$_name.err" ||
		die "callgrind of tui_render $* failed:" \
			"$(tail -5 "$dir/$_name.err")"
	_ir=$(sed -n 's/^totals: *\([0-9][0-9]*\).*/\1/p' "$dir/$_name.cg")
	case $_ir in
	'' | 0) die "callgrind counted nothing in $_fn (stripped binary?)" ;;
	esac
	echo "$_ir"
}

# get NAME KEY: the value of KEY in $dir/NAME.out.
get() {
	_v=$(awk -v k="$2" '$1 == k { print $2 }' "$dir/$1.out")
	[ -n "$_v" ] || die "tui_render $1 printed no $2"
	echo "$_v"
}

# --- measure --------------------------------------------------------------

ir_frame=-
ir_key=-
ir_update=-
if [ -n "$cg" ]; then
	msg "callgrind: $FRAMES full frames"
	ir=$(callgrind frame bench_frame frame "$FRAMES") || exit 1
	ir_frame=$((ir / FRAMES))
	msg "callgrind: filter keystrokes"
	ir=$(callgrind filter bench_keystroke filter) || exit 1
	keys=$(get filter keystrokes) || exit 1
	ir_key=$((ir / keys))
	msg "callgrind: one-row refresh"
	ir_update=$(callgrind update bench_update onerow) || exit 1
fi

run frame frame 1
run filter filter
run onerow onerow
run rss rss

rows=$(get rss rows) || exit 1
frame_bytes=$(get frame bytes_per_frame) || exit 1
filter=$(get filter filter) || exit 1
keys=$(get filter keystrokes) || exit 1
left=$(get filter rows_left) || exit 1
key_bytes=$(get filter bytes_per_keystroke) || exit 1
same_bytes=$(get onerow bytes_no_change) || exit 1
one_bytes=$(get onerow bytes_one_row) || exit 1
fade_bytes=$(get onerow bytes_marker_fade) || exit 1
rss_kb=$(get rss maxrss_kb) || exit 1

# --- report ---------------------------------------------------------------

awk -v rows="$rows" -v frames="$FRAMES" -v filter="$filter" \
	-v keys="$keys" -v left="$left" \
	-v irf="$ir_frame" -v irk="$ir_key" -v iru="$ir_update" \
	-v fb="$frame_bytes" -v kb="$key_bytes" -v sb="$same_bytes" \
	-v ob="$one_bytes" -v db="$fade_bytes" -v rss="$rss_kb" \
	-v tob="$TARGET_ONEROW_BYTES" -v trss="$TARGET_RSS_BYTES" \
	-v san="$sanitized" '
function mark(ok) {
	return ok ? "PASS" : "MISS"
}
BEGIN {
	printf "tui_render: %d rows x 6 columns, sorted by name, on a 120x40 " \
	    "pty (xterm-256color, UTF-8, 256 colours)\n", rows
	printf "filter \"%s\" typed one key at a time (%d keys, %d rows " \
	    "left)", filter, keys, left
	if (irf != "-")
		printf "; %d frames under callgrind", frames
	printf "\n\n"
	printf "%-38s %14s  %-14s %s\n", "measure", "figure", "target", ""
	printf "%-38s %14s  %-14s\n", "instructions per full frame", irf,
	    "recorded"
	printf "%-38s %14s  %-14s\n", "instructions per filter keystroke", irk,
	    "recorded"
	printf "%-38s %14s  %-14s\n", "instructions per model refresh", iru,
	    "recorded"
	printf "%-38s %14s\n", "bytes written, full frame", fb
	printf "%-38s %14s\n", "bytes written, filter keystroke (avg)", kb
	printf "%-38s %14s\n", "bytes written, redraw with no change", sb
	printf "%-38s %14s  %-14s %s\n", "bytes written, one row changed", ob,
	    "< " tob, mark(ob < tob)
	printf "%-38s %14s\n", "bytes written, change marker fades", db
	printf "%-38s %11.1f MB  %-14s %s%s\n", "peak RSS", rss * 1024 / 1e6,
	    "< " trss / 1e6 " MB", mark(rss * 1024 < trss),
	    san != "" ? " (sanitizer build)" : ""
}'
exit 0
