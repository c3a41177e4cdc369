#!/bin/sh
# An allocation failure is an environment error: under an address-space
# limit too small for a 500000-test-case grid (about 200 bytes each, and
# 20 MB of bench and its libraries), `bench list` prints "bench: out of
# memory (N bytes)" and exits 3; it does not abort (jansson's
# allocations go through the same path). The grid and the limit keep
# tens of MB of margin both ways: a 100000 grid, once 2 KiB a test case,
# came to fit in 120 MB, and the test skipped.
. "$top_srcdir/tests/helper/lib.sh"
set -e

python3 -c 'print(1)' >/dev/null 2>&1 || skip "python3 writes the grid"
# AddressSanitizer reserves terabytes of address space for its shadow: an
# address-space limit stops a sanitizer build before main
if ldd "$BENCH" 2>/dev/null | grep -q libasan; then
	skip "ulimit -v cannot apply to a sanitizer build"
fi
python3 - <<'PY'
vals = lambda n: ",".join(str(i) for i in range(n))
open("big.yaml", "w").write("""benchmarkingjob:
  name: big
  workspace: ./ws
  test_object:
    type: algorithms
    algorithms:
      - name: g
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              url: builtin:gemm
              hyperparameters:
                - n: {values: [%s]}
                - b: {values: [%s]}
""" % (vals(1000), vals(500)))
PY
# it loads without a limit
run_bench 0 list -f big.yaml
expect_match "loads" "$(head -1 out.txt)" "500000 test cases"
set +e
(ulimit -v 70000 && exec "$BENCH" list -u -f big.yaml) >out.txt 2>err.txt
got=$?
set -e
[ "$got" -ne 0 ] || skip "70 MB of address space was enough here"
expect_eq "exit" "$got" 3
expect_match "message" "$(cat err.txt)" "^bench: out of memory \([0-9]+ bytes\)$"
exit 0
