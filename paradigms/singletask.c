/*
 * singletasklearning: one unit per test case; the test case's own run().
 */
#include "config.h"

#include "paradigm.h"
#include "banned.h"

const struct paradigm paradigm_singletask = {
	.name = "singletasklearning",
	.learner = 0,
	.partitioned = 0,
	.run = NULL,
};
