/*
 * rank: compare test cases by rank.sort_by.
 */
#include "config.h"

#include <string.h>

#include "rank.h"
#include "banned.h"

/* Compare a and b by the sort keys. */
int
rank_compare(json_t *sort_by, json_t *a, json_t *b)
{
	json_t *key, *va, *vb;
	const char *metric, *dir;
	double da, db;
	size_t i;

	json_array_foreach(sort_by, i, key) {
		json_object_foreach(key, metric, va) {
			dir = json_string_value(va);
			va = json_object_get(a, metric);
			vb = json_object_get(b, metric);
			if (va == NULL && vb == NULL)
				continue;
			if (va == NULL)
				return 1;
			if (vb == NULL)
				return -1;
			da = json_real_value(va);
			db = json_real_value(vb);
			if (da == db)
				continue;
			if (dir != NULL && strcmp(dir, "ascend") == 0)
				return da < db ? -1 : 1;
			return da > db ? -1 : 1;
		}
	}
	return 0;
}
