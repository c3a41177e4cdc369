"""The cloud model: a threshold given as a hyperparameter (a good one)."""
from sedna.common.class_factory import ClassFactory, ClassType


@ClassFactory.register(ClassType.GENERAL, alias="CloudThreshold")
class CloudThreshold:
    def __init__(self, threshold=2.0, **kwargs):
        self.threshold = float(threshold)
        self.cleaned = False

    def inference(self, data, **kwargs):
        with open(data, encoding="utf-8") as f:
            v = float(f.read())
        return {"label": int(v > self.threshold)}

    def cleanup(self):
        self.cleaned = True
