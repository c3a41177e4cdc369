/*
 * gemm: the kernel of the builtin:gemm test case, exported for its tests.
 */
#ifndef BENCH_GEMM_H
#define BENCH_GEMM_H

#include <stddef.h>

/*
 * C += A x B for n x n row-major matrices, in block x block tiles. For each
 * element of C the products are added in increasing k whatever the block
 * size, so the result is bit-identical to the naive i-k-j loop: block
 * changes the speed, never the numbers. block is 1..n.
 */
void gemm_blocked(size_t n, size_t block, const double *a, const double *b,
    double *c);

#endif
