#ifndef BENCH_PLUGIN_H
#define BENCH_PLUGIN_H
#endif
