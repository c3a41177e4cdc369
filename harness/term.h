#ifndef BENCH_TERM_H
#define BENCH_TERM_H
#endif
