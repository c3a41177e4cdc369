#!/bin/sh
# Report files hold log tails: --report FMT=FILE and `bench report -o`
# write them 0600, like the logs, also over an existing 0644 file.
. "$top_srcdir/tests/helper/lib.sh"
set -e
umask 022
job_begin reportmode
algo a '["sh", "-c", "echo secret; exit 1"]'
: >old.html
chmod 644 old.html
run_bench 1 -f job.yaml --report html=old.html --report junit=r.xml \
    --report json=r.json --report csv=r.csv
for f in old.html r.xml r.json r.csv/all_rank.csv r.csv/selected_rank.csv; do
	expect_eq "mode of $f" "$(stat -c %a $f)" 600
done
for fmt in html json junit term; do
	run_bench 0 report --db ws/bench.db --last --format $fmt -o out.$fmt
	expect_eq "mode of report -o ($fmt)" "$(stat -c %a out.$fmt)" 600
done
run_bench 0 report --db ws/bench.db --last --format csv -o out.csv
expect_eq "mode of report -o (csv)" "$(stat -c %a out.csv/all_rank.csv)" 600
exit 0
