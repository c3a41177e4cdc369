#ifndef BENCH_SPAWN_H
#define BENCH_SPAWN_H
#endif
