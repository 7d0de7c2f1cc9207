#!/bin/sh
# test-totals.sh BUILDDIR - summarise a `make check` run.
#
# Prints each failing test program with the tail of its log, then the
# totals of test cases as "N passed, N failed".  A program that failed
# without a cmocka summary (a crash, a sanitizer abort, a missing binary)
# counts as one failed case.  Exits 1 when anything failed.
set -u
dir=$1
passed=0
failed=0
for trs in $(find "$dir/tests" -name '*.trs' | sort); do
	log=${trs%.trs}.log
	result=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	passed=$((passed + ${p:-0}))
	case $result in
	PASS|SKIP|XFAIL) failed=$((failed + ${f:-0})) ;;
	*)
		[ -n "$f" ] && [ "$f" -gt 0 ] && failed=$((failed + f)) ||
		    failed=$((failed + 1))
		echo "---- $result: ${log#$dir/}"
		tail -n 40 "$log"
		;;
	esac
done
if [ -z "$(find "$dir/tests" -name '*.trs' 2>/dev/null | head -n 1)" ]; then
	echo "no test results found in $dir/tests" >&2
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
