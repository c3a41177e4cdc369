#ifndef BENCH_REGISTRY_H
#define BENCH_REGISTRY_H
#endif
