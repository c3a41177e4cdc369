"""The edge model: a threshold loaded from initial_model_url (a poor one)."""
import json

from sedna.common.class_factory import ClassFactory, ClassType


@ClassFactory.register(ClassType.GENERAL, alias="EdgeThreshold")
class EdgeThreshold:
    def __init__(self, **kwargs):
        self.threshold = None

    def load(self, model_url=None, **kwargs):
        with open(model_url, encoding="utf-8") as f:
            self.threshold = json.load(f)["threshold"]

    def predict(self, data, **kwargs):
        with open(data, encoding="utf-8") as f:
            v = float(f.read())
        return {"label": int(v > self.threshold),
                "margin": abs(v - self.threshold)}
