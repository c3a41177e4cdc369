"""cloud_ratio: the share of samples sent to the cloud model."""
from sedna.common.class_factory import ClassFactory, ClassType


@ClassFactory.register(ClassType.GENERAL, alias="cloud_ratio")
def cloud_ratio(y_true, y_pred, **kwargs):
    return sum(1 for r in y_pred if r[0] and r[3] is not None) / len(y_pred)
