/*
 * jointinference: the test set split into `partitions` units, each running
 * the test case on its partition (ctx->part of ctx->nparts); the controller
 * merges the partitions with the test case's merge(), which sums counts
 * and recomputes the metric, so the merged result equals the unsplit run's
 * bit for bit (builtin:cellseg does this; see testcases/cellseg.c).
 */
#include "config.h"

#include "paradigm.h"
#include "banned.h"

const struct paradigm paradigm_jointinference = {
	.name = "jointinference",
	.learner = 0,
	.partitioned = 1,
	.run = NULL,
};
