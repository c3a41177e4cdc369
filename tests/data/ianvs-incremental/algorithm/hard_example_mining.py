"""A hard example mining algorithm: a sample is hard when the model's
result lies within threshold_margin of its decision threshold."""
from sedna.common.class_factory import ClassFactory, ClassType


@ClassFactory.register(ClassType.HEM, alias="Margin")
class MarginFilter:
    def __init__(self, threshold_margin=0.5, **kwargs):
        self.threshold_margin = float(threshold_margin)

    def __call__(self, infer_result=None):
        return all(r["margin"] < self.threshold_margin
                   for r in infer_result.values())
