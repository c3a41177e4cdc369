#!/bin/sh
# The fuzzers' seed corpora (fuzz/corpus-*) run through the fuzz targets
# without libFuzzer: no crash, and in the sanitizer build no leak or
# undefined behaviour.
. "$top_srcdir/tests/helper/lib.sh"
set -e
for t in chan job; do
	replay="$top_builddir/fuzz/replay-$t"
	[ -x "$replay" ] || { echo "$replay not built" >&2; exit 99; }
	"$replay" "$top_srcdir"/fuzz/corpus-$t/* >replay-$t.txt 2>&1 ||
	    fail "replay-$t: $(tail -n 20 replay-$t.txt)"
done
exit 0
