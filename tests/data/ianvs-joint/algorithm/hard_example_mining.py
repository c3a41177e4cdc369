"""Hard example mining on the edge result: hard when it lies within
threshold_margin of the edge model's threshold."""
from sedna.common.class_factory import ClassFactory, ClassType


@ClassFactory.register(ClassType.HEM, alias="EdgeMargin")
class EdgeMargin:
    def __init__(self, threshold_margin=0.5, **kwargs):
        self.threshold_margin = float(threshold_margin)

    def __call__(self, infer_result=None):
        return infer_result["margin"] < self.threshold_margin
