#!/bin/sh
# Hostile input: names and parameters with HTML, quotes, newlines, ../ and
# long strings, and workers writing invalid UTF-8, are stored intact and
# rendered escaped in every report; nothing is written outside the
# workspace; the database and logs are private (0600 / 0700).
. "$top_srcdir/tests/helper/lib.sh"
set -e

long=$(printf 'x%.0s' $(seq 1 3000))
cat >say.sh <<'SH'
#!/bin/sh
# say.sh ARG: echo the argument, invalid UTF-8 and an HTML line to the log
printf 'arg=[%s]\n' "$1"
printf 'bad utf8: \377\376 <b>bold</b> & "quotes"\n' >&2
exit 3
SH
chmod +x say.sh
cat >job.yaml <<JOB
benchmarkingjob:
  name: hostile
  workspace: ./ws
  testenv: {dataset: {}, metrics: []}
  test_object:
    type: algorithms
    algorithms:
      - name: "<script>alert('x')</script> \"q\" ../../../escape"
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: m
              command: ["$SCRATCH/say.sh", "{p}"]
              hyperparameters:
                - p: {values: ["\$(touch $SCRATCH/pwned); \`touch $SCRATCH/pwned2\`", "line1\nline2 </td><img src=x onerror=alert(1)>", "$long"]}
JOB
run_bench 1 -f job.yaml --parallel -w 2 --report html=r.html --report junit=r.xml --report json=r.json --report csv=csvdir
DB=ws/bench.db
[ ! -e pwned ] && [ ! -e pwned2 ] || fail "a parameter ran through a shell"
[ ! -e ../escape ] && [ ! -e ../../escape ] || fail "wrote outside the workspace"
name=$(sql $DB "SELECT DISTINCT algorithm FROM units")
expect_eq "name stored intact" "$name" "<script>alert('x')</script> \"q\" ../../../escape"
expect_eq "newline kept" "$(sql $DB "SELECT count(*) FROM units WHERE params LIKE '%line1\\nline2%'")" 1
expect_eq "long value kept" "$(sql $DB "SELECT max(length(params)) > 3000 FROM units")" 1
log=$(sql $DB "SELECT log_path FROM units WHERE params LIKE '%pwned%'")
expect_match "argument passed verbatim" "$(cat "$log")" 'arg=\[\$\(touch .*pwned\); `touch .*pwned2`\]'
# every report: escaped, and well-formed where it is XML
xmllint --noout r.html || fail "html not well-formed"
xmllint --noout r.xml || fail "junit not well-formed"
if grep -q "<script>alert" r.html r.xml; then fail "unescaped <script> in a report"; fi
if grep -q "<img src=x" r.html r.xml; then fail "unescaped <img> in a report"; fi
grep -q "&lt;script&gt;alert" r.html || fail "html lost the name"
expect_eq "json report valid" "$(sqlite3 :memory: "SELECT json_valid(CAST(readfile('r.json') AS TEXT))")" 1
if grep -q "^=\|,=" csvdir/all_rank.csv 2>/dev/null; then fail "csv cell starts with ="; fi
run_bench 0 report --db $DB --last --format term
expect_match "term report" "$(cat out.txt)" "script"
# private files
expect_eq "db mode" "$(stat -c %a $DB)" 600
expect_eq "logs dir mode" "$(stat -c %a "$(dirname "$log")")" 700
expect_eq "log mode" "$(stat -c %a "$log")" 600
exit 0
