#ifndef BENCH_RUN_H
#define BENCH_RUN_H
#endif
