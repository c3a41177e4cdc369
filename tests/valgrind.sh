#!/bin/sh
# valgrind.sh: run the controller's end-to-end tests (tests/e2e/t1*.sh) with
# BENCH pointing to a wrapper that runs bench under
# `valgrind --leak-check=full --error-exitcode=1 --trace-children=no`.
# Workers that bench execs (`bench worker`, commands) run natively. A test
# fails if it fails or if valgrind reports any error in bench (the exit
# status 1 is ambiguous, since bench exits 1 when a unit failed, so each
# valgrind log is read too). No suppressions.
#
#	top_builddir=build sh tests/valgrind.sh [TEST...]
#
# Exit 0 all clean, 1 a failure, 77 valgrind not installed.
set -u
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top_srcdir/build}"
top_builddir=$(cd "$top_builddir" && pwd) || exit 99
export top_srcdir top_builddir
command -v valgrind >/dev/null || { echo "valgrind not installed" >&2; exit 77; }
[ -x "$top_builddir/bench" ] || {
	echo "no bench in $top_builddir (set top_builddir)" >&2
	exit 99
}

VGDIR=$(mktemp -d "${TMPDIR:-/tmp}/bench-valgrind.XXXXXX")
cat >"$VGDIR/bench" <<SH
#!/bin/sh
exec valgrind -q --leak-check=full --error-exitcode=1 --trace-children=no \\
    --log-file="$VGDIR/log.%p" "$top_builddir/bench" "\$@"
SH
chmod +x "$VGDIR/bench"
BENCH=$VGDIR/bench
export BENCH

[ $# -gt 0 ] || set -- "$top_srcdir"/tests/e2e/t1*.sh
pass=0
fail=0
for t in "$@"; do
	name=$(basename "$t" .sh)
	rm -f "$VGDIR"/log.*
	sh "$t" >"$VGDIR/out" 2>&1
	rc=$?
	bad=
	for log in "$VGDIR"/log.*; do
		[ -s "$log" ] && bad="$bad $log"
	done
	if [ "$rc" -eq 77 ]; then
		echo "SKIP: $name"
	elif [ "$rc" -ne 0 ] || [ -n "$bad" ]; then
		echo "FAIL: $name (exit $rc)"
		tail -n 20 "$VGDIR/out"
		for log in $bad; do
			echo "--- $log"
			cat "$log"
		done
		fail=$((fail + 1))
	else
		echo "PASS: $name"
		pass=$((pass + 1))
	fi
done
rm -rf "$VGDIR"
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
