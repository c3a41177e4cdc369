#ifndef BENCH_NVML_H
#define BENCH_NVML_H
#endif
