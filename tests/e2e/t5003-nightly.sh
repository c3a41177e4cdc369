#!/bin/sh
# bench nightly over a synthetic history of 20 daily runs with 2% noise:
# a planted 15% slowdown of one test case is flagged (exit 1) and noise
# alone flags nothing (exit 0), for several noise seeds.
. "$top_srcdir/tests/helper/lib.sh"
set -e
MK=$top_builddir/tests/helper/mkhistory
[ -x "$MK" ] || { echo "mkhistory not built" >&2; exit 99; }

for seed in 1 2 3 4 5; do
	rm -f h.db h.db-wal h.db-shm
	"$MK" h.db history 20 2 15 $seed
	run_bench 1 nightly --db h.db -o n.html
	grep -q '1 regression\|2 regressions' err.txt || fail "seed $seed: $(cat err.txt)"
	grep -q '<tr class="reg"><td>regression</td><td>nightly</td><td>beta</td><td>wall_s</td>' n.html ||
		fail "seed $seed: beta wall time not flagged"
	if grep -q '<td>alpha</td>\|<td>gamma</td>' n.html; then
		fail "seed $seed: an unchanged test case flagged"
	fi
	xmllint --noout n.html 2>/dev/null || fail "nightly html not well-formed"
	grep -q 'class="trend"' n.html || fail "no trend charts"
	grep -q 'class="date"' n.html || fail "no dates on the axis"

	rm -f h.db h.db-wal h.db-shm
	"$MK" h.db history 20 2 0 $seed
	run_bench 0 nightly --db h.db -o n.html
	grep -q '0 regressions, 0 improvements' err.txt || fail "seed $seed: noise flagged: $(cat err.txt)"
done

# a run on another machine is no baseline
"$MK" h.db history 2 2 0 9
sql h.db "UPDATE runs SET fingerprint_id = 'other' WHERE id = (SELECT max(id) FROM runs)"
run_bench 0 nightly --db h.db --job nightly -o n.html
grep -q 'Baseline: 0 earlier runs' n.html || fail "other machine used as baseline"
run_bench 2 nightly --db h.db
run_bench 2 nightly --db h.db --window 0 -o n.html
run_bench 2 nightly --db nowhere.db -o n.html
exit 0
