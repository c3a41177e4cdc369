#ifndef BENCH_WORKER_H
#define BENCH_WORKER_H
#endif
