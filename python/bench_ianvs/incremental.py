"""Ianvs's incrementallearning flow for a Python basemodel.

Written after Ianvs's paradigm/incremental_learning/incremental_learning.py
and the sedna IncrementalLearning job it builds (estimator = the basemodel,
hard_example_mining = the HEM module):

    train_url is split into incremental_rounds parts, each cut by
    incremental_learning_data_setting.train_ratio into an inference file
    and an evaluation file (WORKSPACE/dataset/dataset-model_inference-R.txt,
    dataset-model_evaluation-R.txt; splitting_method "default" only)
    current = initial_model_url
    each round R:
        MODEL_URL = current; estimator.load(current) once;
        for each sample x of the inference file:
            res = estimator.predict([x]); hard = HEM(res)
            a hard sample (a file) is copied to
            WORKSPACE/output/inference/hard_examples/R/
        no hard sample: next round
        the hard samples with their labels are the round's training file;
        MODEL_URL = WORKSPACE/output/train/R, BASE_MODEL_URL = current;
        estimator.train(train_data=..., valid_data=None);
        new = estimator.save(WORKSPACE/output/train/R)
        for url in (new, current):
            estimator.evaluate(data=eval file, model_path=url,
                               metric=model_eval.model_metric)
        when operator(new's metric - current's, threshold): current = new
    the test file is inferred as a round called "test"; each testenv .py
    metric is metric(test y, {sample: result}) and samples_transfer_ratio,
    when the testenv names it without a url, is Ianvs's
    round(hard / (inferred + 1), 4) over every round and the test.
predict must return a dict {sample: result}: Ianvs merges the per-sample
results with dict.update.
"""
import operator
import os
import shutil
import tempfile

from bench_ianvs import flow

OPERATORS = {">": operator.gt, "<": operator.lt, "=": operator.eq,
             ">=": operator.ge, "<=": operator.le}


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f.readlines()]


def split_dataset(path, ratio, times, output_dir):
    """Ianvs's Dataset._splitting_more_times for a txt index."""
    if flow.file_format(path) != "txt":
        raise ValueError("incrementallearning: bench splits txt indexes "
                         "only, not %s" % path)
    os.makedirs(output_dir, exist_ok=True)
    lines = read_lines(path)
    step = int(len(lines) / times)
    files = []
    for i in range(1, times + 1):
        part = lines[step * (i - 1):] if i == times else \
            lines[step * (i - 1):step * i]
        cut = int(len(part) * ratio)
        pair = []
        for kind, rows in (("model_inference", part[:cut]),
                           ("model_evaluation", part[cut:])):
            out = os.path.join(output_dir, "dataset-%s-%d.txt" % (kind, i))
            with open(out, "w", encoding="utf-8") as f:
                for row in rows:
                    f.write(row + "\n")
            pair.append(out)
        files.append(tuple(pair))
    return files


class Round:
    """One incremental learning run: the modules, settings and counts."""

    def __init__(self, args):
        te, kw = args.testenv, args.kwargs or {}
        self.workspace = args.workspace
        self.label = (te.get("dataset") or {}).get("label") or None
        self.rounds = int(te.get("incremental_rounds", 2))
        setting = kw.get("incremental_learning_data_setting") or {}
        self.ratio = float(setting.get("train_ratio", 0.8))
        method = setting.get("splitting_method", "default")
        if method != "default":
            raise ValueError("incrementallearning: dataset splitting "
                             "method(%s) is not supported, currently, "
                             "method supports 'default'" % method)
        self.model_eval = te.get("model_eval")
        if not isinstance(self.model_eval, dict) or not isinstance(
                self.model_eval.get("model_metric"), dict):
            raise ValueError("incrementallearning needs testenv "
                             "model_eval: {model_metric: {name, url}, "
                             "threshold, operator}")
        if self.model_eval.get("operator") not in OPERATORS:
            raise ValueError("operator %s use to compare is not allow"
                             % self.model_eval.get("operator"))
        self.initial = flow.initial_model(args)
        if self.initial is None:
            raise ValueError("incrementallearning needs the algorithm's "
                             "initial_model_url: Ianvs infers the first "
                             "round with it")
        self.estimator = flow.basemodel(args)
        self.hem = flow.hard_example_mining(args)
        self.transfer = []

    def out_dir(self, *parts):
        path = os.path.join(self.workspace, "output", *[str(p) for p in
                                                        parts])
        os.makedirs(path, exist_ok=True)
        return path

    def inference(self, model, index, name):
        """Per-sample predict and hard example mining, as Ianvs's
        _inference and sedna's IncrementalLearning.inference."""
        hard_dir = self.out_dir("inference", "hard_examples", name)
        os.environ["RESULT_SAVED_URL"] = self.out_dir("inference", "results",
                                                      name)
        os.environ["MODEL_URL"] = model
        data = flow.load_data(index, "inference", self.label)
        self.estimator.load(model)
        results, hard = {}, []
        for x in data.x:
            res = self.estimator.predict([x])
            if not isinstance(res, dict):
                raise TypeError("incrementallearning: predict returned %s, "
                                "not a dict {sample: result} (Ianvs merges "
                                "the results with dict.update)"
                                % type(res).__name__)
            results.update(res)
            if self.hem is not None and self.hem(res):
                shutil.copy(x, hard_dir)
                hard.append((x, os.path.join(hard_dir,
                                             os.path.basename(x))))
        self.transfer.append((results, hard))
        return results, hard

    def train_file(self, hard, index):
        """The hard samples' copies with their labels (_get_train_dataset)."""
        data = flow.load_data(index, "train label", self.label)
        out = os.path.join(tempfile.mkdtemp(), os.path.basename(index))
        labels = dict(zip(data.x, data.y))
        with open(out, "w", encoding="utf-8") as f:
            for old, new in hard:
                f.write("%s %s\n" % (new, labels[old]))
        return out

    def train(self, model, index, name):
        out = self.out_dir("train", name)
        os.environ["MODEL_URL"] = out
        os.environ["BASE_MODEL_URL"] = model
        data = flow.load_data(index, "train", self.label)
        self.estimator.train(train_data=data, valid_data=None)
        saved = self.estimator.save(out)
        return saved if saved else out

    def better(self, new, old, index):
        """Evaluate both models; whether the new one replaces the old."""
        metric = self.model_eval["model_metric"]
        name = metric.get("name")
        func = flow.metric_funcs({"metrics": [metric]})
        func = func[0][1] if func else None
        os.environ["MODEL_URLS"] = "%s;%s" % (new, old)
        data = flow.load_data(index, "eval", self.label)
        values = []
        for url in (new, old):
            res = self.estimator.evaluate(data=data, model_path=url,
                                          metric=func)
            if not isinstance(res, dict) or name not in res:
                raise ValueError("incrementallearning: evaluate returned "
                                 "%r, not a dict with %r" % (res, name))
            values.append(flow.as_number(name, res[name]))
        op = OPERATORS[self.model_eval["operator"]]
        return op(values[0] - values[1],
                  float(self.model_eval.get("threshold", 0)))

    def transfer_ratio(self):
        """Ianvs's samples_transfer_ratio_func."""
        inferred = sum(len(r) for r, _ in self.transfer)
        moved = sum(len(h) for _, h in self.transfer)
        return round(float(moved) / (inferred + 1), 4)


def run(args):
    """The incrementallearning flow; returns [(metric, value)]."""
    train_file, test_file, label = flow.dataset_files(args.testenv["dataset"])
    funcs = flow.metric_funcs(args.testenv)
    r = Round(args)
    files = split_dataset(train_file, r.ratio, r.rounds,
                          os.path.join(args.workspace, "dataset"))
    current = r.initial
    for n in range(1, r.rounds + 1):
        infer_file, eval_file = files[n - 1]
        _, hard = r.inference(current, infer_file, n)
        if not hard:
            continue
        new = r.train(current, r.train_file(hard, infer_file), n)
        if r.better(new, current, eval_file):
            current = new
    result, _ = r.inference(current, test_file, "test")
    truth = flow.load_data(test_file, "eval overall", label).y
    system = []
    if any(isinstance(m, dict) and m.get("name") == "samples_transfer_ratio"
           and not m.get("url") for m in args.testenv.get("metrics", [])):
        system.append(("samples_transfer_ratio", r.transfer_ratio()))
    return flow.metric_values(funcs, truth, result, system)
