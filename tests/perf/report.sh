#!/bin/sh
# Time `bench report --format html` on a database of 100,000 units (one
# parallel run on 32 worker slots, 1000 test cases, 1% failed), inserted
# through the store module by tests/helper/mkhistory. Targets: under 2 s,
# HTML under 5 MB. Run from a build directory after `make check` (or
# `make bench tests/helper/mkhistory`):
#
#	sh /path/to/tests/perf/report.sh [UNITS]
set -e
units=${1:-100000}
top_builddir=${top_builddir:-$(pwd)}
BENCH=${BENCH:-$top_builddir/bench}
MK=$top_builddir/tests/helper/mkhistory
[ -x "$BENCH" ] && [ -x "$MK" ] || { echo "build bench and tests/helper/mkhistory first" >&2; exit 99; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-perf-report.XXXXXX")
trap 'rm -rf "$dir"' EXIT

echo "machine: $(uname -srm), $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
t0=$(date +%s.%N)
"$MK" "$dir/big.db" big "$units" 32
t1=$(date +%s.%N)
echo "database: $units units inserted in $(echo "$t1 - $t0" | bc) s"
best=
for i in 1 2 3; do
	t0=$(date +%s.%N)
	"$BENCH" report --db "$dir/big.db" --last --format html -o "$dir/big.html"
	t1=$(date +%s.%N)
	t=$(echo "$t1 - $t0" | bc)
	if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" -eq 1 ]; then best=$t; fi
done
size=$(wc -c <"$dir/big.html")
echo "bench report --format html: best of 3 $best s, $size bytes ($(echo "scale=2; $size / 1048576" | bc) MiB)"
xmllint --noout "$dir/big.html" 2>/dev/null && echo "well-formed: yes"
ok=1
[ "$(echo "$best < 2" | bc)" -eq 1 ] || { echo "SLOW: over 2 s"; ok=0; }
[ "$size" -lt 5000000 ] || { echo "BIG: over 5 MB"; ok=0; }
[ $ok -eq 1 ] && echo "targets met (< 2 s, < 5 MB)"
