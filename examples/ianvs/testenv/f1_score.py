"""Ianvs metric: F1 of class 1."""
from sedna.common.class_factory import ClassFactory, ClassType

__all__ = ["f1_score"]


def _label(path):
    with open(path, encoding="utf-8") as f:
        return int(f.read().strip())


@ClassFactory.register(ClassType.GENERAL, alias="f1_score")
def f1_score(y_true, y_pred, **kwargs):
    pairs = [(_label(t), int(p)) for t, p in zip(y_true, y_pred)]
    tp = sum(1 for t, p in pairs if t == 1 and p == 1)
    fp = sum(1 for t, p in pairs if t == 0 and p == 1)
    fn = sum(1 for t, p in pairs if t == 1 and p == 0)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
