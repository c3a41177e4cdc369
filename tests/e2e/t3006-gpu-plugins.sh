#!/bin/sh
# The GPU test cases are plugins loaded when a unit runs one: bench itself
# links neither the CUDA runtime nor cuDNN (no NEEDED libcudart/libcudnn),
# so a bench built where CUDA exists starts where it does not; and where
# there is no NVIDIA driver or GPU, builtin:cuda-gemm and builtin:cudnn-conv
# end skipped with "no NVIDIA driver/GPU (why)", not with cudart's "driver
# version is insufficient".
. "$top_srcdir/tests/helper/lib.sh"
set -e

grep -q '^#define HAVE_CUDA 1' "$top_builddir/config.h" ||
	skip "configure found no CUDA: no GPU test cases built"
command -v readelf >/dev/null || skip "readelf not installed"

needed=$(readelf -d "$BENCH" | grep NEEDED) || fail "readelf -d $BENCH"
if printf '%s\n' "$needed" | grep -E 'libcuda|libcudnn'; then
	fail "bench links the CUDA runtime or cuDNN: $needed"
fi

conv=
if grep -q '^#define HAVE_CUDNN 1' "$top_builddir/config.h"; then
	conv="
      - name: conv
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: conv
              url: builtin:cudnn-conv
              hyperparameters:
                - batch_size: {values: [2]}
                - size: {values: [8]}
                - iters: {values: [1]}"
fi
job_begin gpu
cat >>job.yaml <<JOB
      - name: gemm
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: gemm
              url: builtin:cuda-gemm
              hyperparameters:
                - n: {values: [32]}
                - reps: {values: [1]}
$conv
JOB
run_bench 0 -f job.yaml
DB=ws/bench.db
nunits=$(sql $DB "SELECT count(*) FROM units")
[ -n "$conv" ] && want=2 || want=1
expect_eq "units" "$nunits" "$want"

# A driver here (libcuda.so.1 in the loader's cache) may come with a GPU:
# then the units run; without one they must be skipped, saying so.
if ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1 '; then
	expect_eq "units ok or skipped" "$(sql $DB "SELECT count(*) FROM
	    units WHERE status='ok' OR (status='skipped' AND
	    error LIKE 'no NVIDIA driver/GPU (%')")" "$want"
	exit 0
fi
expect_eq "units skipped" "$(sql $DB "SELECT count(*) FROM units
    WHERE status='skipped' AND error LIKE 'no NVIDIA driver/GPU (%'")" "$want"
errors=$(sql $DB "SELECT error FROM units")
expect_match "skip reason" "$errors" \
	'^no NVIDIA driver/GPU \(libcuda\.so\.1: cannot open'
if printf '%s\n' "$errors" | grep -i 'insufficient'; then
	fail "cudart's message reached the user: $errors"
fi
exit 0
