"""The Ianvs flows bench runs, written after Ianvs's own code.

singletasklearning (core/testcasecontroller/algorithm/paradigm/
singletask_learning/singletask_learning.py and testcase/testcase.py):
    job = ClassFactory.get_cls(GENERAL, basemodel.name)(**hyperparameters)
    job.preprocess()                      when it has one
    BASE_MODEL_URL = initial_model_url
    job.train(load_data(train, "train"))
    path = job.save(WORKSPACE/output/train/)
    job.load(path, or initial_model_url when save returns None)
    pred = job.predict(load_data(test, "inference").x)
    for each testenv metric with a .py url:
        metric(load_data(test, "eval overall").y, pred)
Data files are testenv.dataset's train_index/test_index (relative paths
in a txt index made absolute against the index's directory, as Ianvs's
_process_txt_index_file does) or train_url/test_url, parsed by format
(txt, csv, json) with sedna's parsers.  incrementallearning and
jointinference are in incremental.py and joint.py; bench refuses the
other paradigms when it loads the job.
"""
import importlib
import math
import os
import sys
import tempfile

SHIM_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shim")


def use_sedna():
    """The real sedna when it imports, else bench's stand-in."""
    try:
        import sedna.common.class_factory  # noqa: F401
        import sedna.datasources  # noqa: F401
        return
    except ImportError:
        pass
    for name in list(sys.modules):
        if name == "sedna" or name.startswith("sedna."):
            del sys.modules[name]
    sys.path.insert(0, SHIM_DIR)
    import sedna.common.class_factory  # noqa: F401


def load_module(url):
    """Import a .py file by path, as Ianvs's utils.load_module does: its
    directory first on sys.path, then import its name."""
    if not os.path.isfile(url):
        raise FileNotFoundError("module file %s not found" % url)
    directory, base = os.path.split(url)
    name = os.path.splitext(base)[0]
    if directory not in sys.path:
        sys.path.insert(0, directory)
    if name in sys.modules:
        return sys.modules[name]
    return importlib.import_module(name)


def file_format(path):
    return os.path.splitext(path)[1].lstrip(".").lower()


def process_txt_index(path):
    """Ianvs's _process_txt_index_file: when a line's first field is a
    relative path, every field of every line becomes a path against the
    index's directory, in a new file."""
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    if all(os.path.isabs(line.split(" ")[0]) for line in lines):
        return path
    root = os.path.dirname(path)
    out = os.path.join(tempfile.mkdtemp(), "index.txt")
    with open(out, "w", encoding="utf-8") as f:
        for line in lines:
            words = line.strip().split(" ")
            f.write(" ".join(os.path.abspath(os.path.join(root, w))
                             for w in words) + "\n")
    return out


def dataset_files(dataset, need_train=True):
    """(train file, test file, label) from testenv.dataset; the train file
    None when it has none and need_train is false."""
    files = []
    for kind in ("train", "test"):
        index = dataset.get(kind + "_index") or dataset.get(kind + "_url")
        if index:
            if file_format(index) == "txt" and os.path.isfile(index):
                index = process_txt_index(index)
            files.append(index)
        elif kind == "train" and not need_train:
            files.append(None)
        else:
            raise ValueError("testenv dataset has no %s_index or %s_url"
                             % (kind, kind))
    return files[0], files[1], dataset.get("label") or None


def load_data(path, data_type, label=None):
    """Ianvs's Dataset.load_data: a sedna parser by file format."""
    from sedna.datasources import CSVDataParse, JSONDataParse, TxtDataParse
    if not os.path.isfile(path):
        raise FileNotFoundError("dataset file %s not found" % path)
    fmt = file_format(path)
    if fmt == "csv":
        data = CSVDataParse(data_type=data_type)
        data.parse(path, label=label)
    elif fmt == "txt":
        data = TxtDataParse(data_type=data_type)
        data.parse(path, use_raw=False)
    elif fmt == "json":
        data = JSONDataParse(data_type=data_type)
        data.parse(path)
    else:
        raise ValueError("dataset file %s: format %r is not supported "
                         "(txt, csv, json)" % (path, fmt))
    return data


def instance(spec, class_type="general"):
    """A module's class, registered under its name with ClassFactory,
    instantiated with its hyperparameters, as Ianvs's Module does."""
    from sedna.common.class_factory import ClassFactory
    name, url = spec.get("name"), spec.get("url")
    if url:
        load_module(url)
    if name is None or not ClassFactory.is_exists(class_type, name):
        where = url or "no url (bench's sedna stand-in has no built-in " \
            "algorithms: give the module a url)"
        raise LookupError("%s registers no class named %r (use "
                          "@ClassFactory.register(ClassType.%s, "
                          "alias=%r))" % (where, name, class_type.upper()
                                          if class_type == "general"
                                          else "HEM", name))
    cls = ClassFactory.get_cls(class_type, name)
    return cls(**spec.get("hyperparameters", {}))


def module_spec(args, kind):
    """The spec of the algorithm's module of type kind, or None."""
    return next((m for m in args.modules if m.get("type") == kind), None)


def basemodel(args):
    """The module to run, instantiated with its hyperparameters."""
    spec = next((m for m in args.modules if m.get("url") == args.module),
                {"name": None, "url": args.module,
                 "hyperparameters": args.params})
    return instance(spec)


def hard_example_mining(args):
    """The hard_example_mining module: its ClassType.HEM class built with
    its hyperparameters (sedna's get_cls(HEM, method)(**param)), or None
    when the algorithm has none."""
    spec = module_spec(args, "hard_example_mining")
    return None if spec is None else instance(spec, "hard_example_mining")


def metric_funcs(testenv):
    """[(name, function)] of the testenv metrics whose url is a .py."""
    from sedna.common.class_factory import ClassFactory, ClassType
    funcs = []
    for m in testenv.get("metrics", []):
        if not isinstance(m, dict) or not str(m.get("url", "")).endswith(
                ".py"):
            continue
        load_module(m["url"])
        if not ClassFactory.is_exists(ClassType.GENERAL, m["name"]):
            raise LookupError("metric file %s registers no function "
                              "named %r" % (m["url"], m["name"]))
        funcs.append((m["name"], ClassFactory.get_cls(ClassType.GENERAL,
                                                      m["name"])))
    return funcs


def as_number(name, value):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError("metric %s returned %r, not a number"
                        % (name, value)) from None
    if not math.isfinite(v):
        raise ValueError("metric %s returned %r" % (name, v))
    return v


def initial_model(args):
    """The algorithm's initial_model_url, or None."""
    return (args.kwargs or {}).get("initial_model_url") or None


def metric_values(funcs, truth, pred, system=None):
    """[(name, value)]: each .py metric of (truth, pred); with system, the
    samples_transfer_ratio Ianvs computes when the testenv names it."""
    out = [(name, as_number(name, f(truth, pred))) for name, f in funcs]
    return out + (system or [])


def singletask(args):
    """The singletasklearning flow; returns [(metric, value)]."""
    train_file, test_file, label = dataset_files(args.testenv["dataset"])
    funcs = metric_funcs(args.testenv)
    job = basemodel(args)
    if hasattr(job, "preprocess"):
        job.preprocess()
    os.environ["BASE_MODEL_URL"] = initial_model(args) or ""
    job.train(load_data(train_file, "train", label))
    model = job.save(os.path.join(args.workspace, "output", "train", ""))
    if model is None:
        model = initial_model(args)
    test = load_data(test_file, "inference", label)
    os.environ["RESULT_SAVED_URL"] = os.path.join(args.workspace, "output",
                                                  "inference", "")
    job.load(model)
    if hasattr(test, "need_other_info"):
        pred = job.predict(test)
    else:
        pred = job.predict(test.x)
    if pred is None or len(pred) != len(test.x):
        raise ValueError("predict returned %s predictions for %d test "
                         "samples" % ("no" if pred is None else len(pred),
                                      len(test.x)))
    truth = load_data(test_file, "eval overall", label).y
    return [(name, as_number(name, f(truth, pred))) for name, f in funcs]


def run(args):
    from bench_ianvs import incremental, joint
    flows = {"singletasklearning": singletask,
             "incrementallearning": incremental.run,
             "jointinference": joint.run}
    if args.paradigm not in flows:
        raise NotImplementedError("paradigm %s is not supported for "
                                  "Python modules" % args.paradigm)
    os.makedirs(args.workspace, exist_ok=True)
    use_sedna()
    return flows[args.paradigm](args)
