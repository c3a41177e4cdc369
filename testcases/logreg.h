/*
 * logreg: logistic regression by mini-batch SGD on a synthetic two-class
 * data set, the kernel of builtin:logreg and of the paradigms that reuse it
 * (incremental, lifelong, federated learning). Everything is a function of
 * its arguments and seeds, computed in a fixed order: the same bits on
 * every run.
 */
#ifndef BENCH_LOGREG_H
#define BENCH_LOGREG_H

#include <stddef.h>
#include <stdint.h>

/*
 * n samples of d features, row-major, and their labels 0 or 1. A data set
 * made by logreg_make_data owns its arrays; one made by logreg_slice is a
 * view into another and must not outlive it (logreg_data_free ignores it).
 */
struct logreg_data {
	size_t		 n;
	size_t		 d;
	double		*x;	/* n x d */
	unsigned char	*y;	/* n */
	int		 owned;
};

/* How a synthetic data set is drawn. */
struct logreg_gen {
	size_t		n_samples;
	size_t		n_features;
	double		separation;	/* distance between the class means */
	double		label_noise;	/* probability a label is flipped */
	uint64_t	seed;
};

/* A linear model: p(y = 1 | x) = sigmoid(w . x + b). */
struct logreg_model {
	size_t	 d;
	double	*w;
	double	 b;
};

/* Training hyperparameters. */
struct logreg_opts {
	size_t		epochs;
	size_t		batch_size;	/* >= 1 */
	double		lr;
	double		l2;		/* weight decay on w, not b */
	uint64_t	seed;		/* shuffling */
};

/*
 * The state builtin:logreg's setup() returns (testcase_logreg.setup), which
 * the learning paradigms (paradigms/) start from: the parameters read and
 * checked, the data set drawn and split 80/20.
 */
struct logreg_unit {
	struct logreg_data	all;
	struct logreg_data	train;	/* view: the first 80% */
	struct logreg_data	test;	/* view: the last 20% */
	struct logreg_opts	opts;
	struct logreg_gen	gen;	/* how `all` was drawn */
};

/*
 * Draw a data set: label y uniform, x = N(0, I) + (y ? +1 : -1) *
 * separation / 2 * u for a unit vector u drawn from the seed, then each
 * label flipped with probability label_noise. 0, or -1 (out of memory).
 */
int	logreg_make_data(struct logreg_data *data, const struct logreg_gen *g);

/* Free what logreg_make_data allocated (nothing for a view). */
void	logreg_data_free(struct logreg_data *data);

/* out = a view of samples [start, start + count) of data (clamped). */
void	logreg_slice(const struct logreg_data *data, size_t start,
	    size_t count, struct logreg_data *out);

/* A zero model of d weights. 0, or -1 (out of memory). */
int	logreg_model_init(struct logreg_model *m, size_t d);

/* Free the model's weights. */
void	logreg_model_free(struct logreg_model *m);

/*
 * One epoch of mini-batch SGD over data in an order shuffled by *rng (a
 * splitmix64 state, advanced): per batch, w -= lr * (mean gradient of the
 * log loss + l2 w), b -= lr * mean gradient. 0, or -1 (out of memory).
 */
int	logreg_train_epoch(struct logreg_model *m,
	    const struct logreg_data *data, size_t batch_size, double lr,
	    double l2, uint64_t *rng);

/* opts->epochs epochs, shuffled from opts->seed. 0, or -1 (memory). */
int	logreg_train(struct logreg_model *m, const struct logreg_data *data,
	    const struct logreg_opts *opts);

/* p(y = 1 | x) for one sample of m->d features. */
double	logreg_predict(const struct logreg_model *m, const double *x);

/* Accuracy (threshold 0.5) and mean log loss over data (either out may
   be NULL); both 0 on an empty data set. */
void	logreg_eval(const struct logreg_model *m,
	    const struct logreg_data *data, double *accuracy, double *loss);

#endif
