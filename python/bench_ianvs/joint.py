"""Ianvs's jointinference flow for Python edge and cloud models.

Written after Ianvs's paradigm/joint_inference/joint_inference.py and the
sedna JointInference job it builds (estimator = edgemodel, cloud =
cloudmodel, hard_example_mining = {method: NAME, param: hyperparameters}):

    the modules edgemodel, cloudmodel and hard_example_mining are required
    edgemodel.load(initial_model_url), when the algorithm gives one
    hem = ClassFactory.get_cls(ClassType.HEM, NAME)(**hyperparameters),
    with the edge and cloud models among them for "OracleRouter"
    the samples: testenv dataset's test file, passed through the
    dataset_processor module when the algorithm has one
    for each sample x of the test file, with mode = hard_example_mining_mode
    (the job's, else the testenv's, else "mining-then-inference"):
        inference-then-mining: edge = edgemodel.predict(x, mining_mode=mode);
            hard = hem(edge); hard: cloud = cloudmodel.inference(x, ...)
        mining-then-inference: hard = hem(x);
            hard: cloud = cloudmodel.inference(x, mining_mode=mode)
            else: edge = edgemodel.predict(x, mining_mode=mode)
        result = [hard, cloud if hard else edge, edge, cloud]
    each module's cleanup(), when it has one
    each testenv .py metric is metric(test y, [result, ...]).
What bench leaves out: Ianvs's LLM-specific dataset loading (test_data_info
with shot_nums: bench refuses it at load); the real sedna's built-in HEM
algorithms when sedna is not installed (give the HEM module a url).
"""
import copy

from bench_ianvs import flow

MODES = ("inference-then-mining", "mining-then-inference")
REQUIRED = ("edgemodel", "cloudmodel", "hard_example_mining")


def modules(args):
    """{type: instance} of the required modules, as Ianvs builds them."""
    have = {m.get("type") for m in args.modules}
    if not set(REQUIRED) <= have:
        raise ValueError("Required modules: %s, but got: %s"
                         % (sorted(REQUIRED), sorted(have)))
    mods = {kind: flow.instance(flow.module_spec(args, kind))
            for kind in ("edgemodel", "cloudmodel")}
    hem = dict(flow.module_spec(args, "hard_example_mining"))
    if hem.get("name") == "OracleRouter":
        hem["hyperparameters"] = dict(hem.get("hyperparameters") or {},
                                      edgemodel=mods["edgemodel"],
                                      cloudmodel=mods["cloudmodel"])
    mods["hard_example_mining"] = flow.instance(hem, "hard_example_mining")
    if flow.module_spec(args, "dataset_processor") is not None:
        mods["dataset_processor"] = flow.instance(
            flow.module_spec(args, "dataset_processor"))
    return mods


def mining_mode(args):
    mode = (args.kwargs or {}).get("hard_example_mining_mode") or \
        args.testenv.get("hard_example_mining_mode") or \
        "mining-then-inference"
    if mode not in MODES:
        raise ValueError("Mining Mode must be in %s, not %r"
                         % (list(MODES), mode))
    return mode


def infer(mods, x, mode):
    """sedna's JointInference.inference for one sample."""
    edge_model, cloud_model = mods["edgemodel"], mods["cloudmodel"]
    hem = mods["hard_example_mining"]
    edge = cloud = None
    if mode == "inference-then-mining":
        edge = edge_model.predict(x, mining_mode=mode)
        res = copy.deepcopy(edge)
        hard = bool(hem(res))
        if hard:
            res = cloud = cloud_model.inference(x, mining_mode=mode)
    else:
        hard = bool(hem(x))
        if hard:
            res = cloud = cloud_model.inference(x, mining_mode=mode)
        else:
            res = edge = edge_model.predict(x, mining_mode=mode)
    return [hard, res, edge, cloud]


def run(args):
    """The jointinference flow; returns [(metric, value)]."""
    _, test_file, label = flow.dataset_files(args.testenv["dataset"],
                                          need_train=False)
    funcs = flow.metric_funcs(args.testenv)
    mode = mining_mode(args)
    mods = modules(args)
    if flow.initial_model(args) is not None:
        mods["edgemodel"].load(flow.initial_model(args))
    data = flow.load_data(test_file, "inference", label)
    if callable(mods.get("dataset_processor")):
        data = mods["dataset_processor"](data)
    results = [infer(mods, x, mode) for x in data.x]
    for module in mods.values():
        if hasattr(module, "cleanup"):
            module.cleanup()
    truth = flow.load_data(test_file, "eval overall", label).y
    return flow.metric_values(funcs, truth, results)
