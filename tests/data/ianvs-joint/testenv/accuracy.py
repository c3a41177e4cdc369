"""accuracy over the joint inference results: y_pred is Ianvs's list of
[is_hard_example, result, edge_result, cloud_result]; y_true holds label
files (Ianvs's txt index layout)."""
from sedna.common.class_factory import ClassFactory, ClassType


@ClassFactory.register(ClassType.GENERAL, alias="accuracy")
def accuracy(y_true, y_pred, **kwargs):
    hits = 0
    for t, (_, res, _, _) in zip(y_true, y_pred):
        with open(t, encoding="utf-8") as f:
            hits += int(f.read()) == res["label"]
    return hits / len(y_true)
