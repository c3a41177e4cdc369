"""Ianvs metric: the share of right predictions. y_true holds the label
files' paths (Ianvs makes every field of a txt index absolute)."""
from sedna.common.class_factory import ClassFactory, ClassType

__all__ = ["accuracy"]


def _label(path):
    with open(path, encoding="utf-8") as f:
        return int(f.read().strip())


@ClassFactory.register(ClassType.GENERAL, alias="accuracy")
def accuracy(y_true, y_pred, **kwargs):
    truth = [_label(p) for p in y_true]
    right = sum(1 for t, p in zip(truth, y_pred) if t == int(p))
    return right / len(truth)
