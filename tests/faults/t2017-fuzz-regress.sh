#!/bin/sh
# Inputs the fuzzers found (tests/data/fuzz-regress/chan-* and job-*) run
# through the fuzz targets: each once crashed bench's parser or loader.
. "$top_srcdir/tests/helper/lib.sh"
set -e
n=0
for t in chan job; do
	replay="$top_builddir/fuzz/replay-$t"
	[ -x "$replay" ] || { echo "$replay not built" >&2; exit 99; }
	for f in "$top_srcdir"/tests/data/fuzz-regress/$t-*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		"$replay" "$f" >replay.txt 2>&1 ||
		    fail "replay-$t $(basename "$f"): $(tail -n 20 replay.txt)"
	done
done
[ "$n" -gt 0 ] || fail "no regression inputs found"
exit 0
