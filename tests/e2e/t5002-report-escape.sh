#!/bin/sh
# Strings from the job and from workers are escaped: a test case named
# <script>alert(1)</script> stays text in HTML and JUnit, a log with
# invalid UTF-8 is repaired, and CSV cells that a spreadsheet would run
# as formulas are neutralised.
. "$top_srcdir/tests/helper/lib.sh"
set -e
command -v xmllint >/dev/null || skip "xmllint not installed"

job_begin esc
algo '"<script>alert(1)</script>"' '[sh, -c, "printf \"bad \\377\\376 bytes <b>&\\n\"; exit 3"]'
algo 'formula' '[sh, -c, "exit 0", "{f}"]' '              hyperparameters:
                - f:
                    values: ["=HYPERLINK(\"http://x\")", "@SUM(1)"]'
run_bench 1 -f job.yaml --report html=r.html --report junit=r.xml --report csv
xmllint --noout r.html || fail "html not well-formed"
xmllint --noout r.xml || fail "junit not well-formed"
if grep -q '<script>' r.html r.xml; then fail "unescaped <script>"; fi
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' r.html || fail "html: name not escaped"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' r.xml || fail "junit: name not escaped"
grep -q 'bad ��' r.xml || fail "junit: invalid UTF-8 not replaced"
grep -q '&lt;b&gt;&amp;' r.xml || fail "junit: log not escaped"
grep -q '<failure' r.xml || fail "junit: no failure"
grep -q 'bad ��' r.html || fail "html: no log tail"
C=ws/esc/rank/all_rank.csv
grep -q "\"'=HYPERLINK(\"\"http://x\"\")\"" $C || { cat $C >&2; fail "csv: = not neutralised"; }
grep -q "\"'@SUM(1)\"" $C || fail "csv: @ not neutralised"
exit 0
