"""accuracy: the share of samples whose predicted label is the true one.
y_true holds label files (Ianvs's txt index layout); y_pred is the flow's
{sample: {"label": L, ...}} (test) or a list of labels (evaluate)."""
from sedna.common.class_factory import ClassFactory, ClassType


@ClassFactory.register(ClassType.GENERAL, alias="accuracy")
def accuracy(y_true, y_pred, **kwargs):
    if isinstance(y_pred, dict):
        y_pred = [r["label"] for r in y_pred.values()]
    hits = 0
    for t, p in zip(y_true, y_pred):
        with open(t, encoding="utf-8") as f:
            hits += int(f.read()) == int(p)
    return hits / len(y_true)
