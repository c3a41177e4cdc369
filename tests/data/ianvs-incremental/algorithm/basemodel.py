"""An Ianvs estimator for incrementallearning: a threshold on the number
in each sample file. predict gives {sample: {"label", "margin"}}, as
Ianvs's incremental flow merges per-sample results into one dict; train
moves the threshold `step` of the way to the midpoint of the class means
of the samples it is given (the hard ones)."""
import json
import os

from sedna.common.class_factory import ClassFactory, ClassType


def value(path):
    with open(path, encoding="utf-8") as f:
        return float(f.read())


def label(path):
    with open(path, encoding="utf-8") as f:
        return int(f.read())


@ClassFactory.register(ClassType.GENERAL, alias="Threshold")
class Threshold:
    def __init__(self, step=1.0, **kwargs):
        self.step = float(step)
        self.threshold = None

    def load(self, model_url):
        if os.path.isdir(model_url):
            model_url = os.path.join(model_url, "model.json")
        with open(model_url, encoding="utf-8") as f:
            self.threshold = json.load(f)["threshold"]

    def save(self, model_path):
        os.makedirs(model_path, exist_ok=True)
        path = os.path.join(model_path, "model.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"threshold": self.threshold}, f)
        return path

    def train(self, train_data, valid_data=None, **kwargs):
        self.load(os.environ["BASE_MODEL_URL"])
        by_label = {0: [], 1: []}
        for x, y in zip(train_data.x, train_data.y):
            by_label[label(y)].append(value(x))
        if by_label[0] and by_label[1]:
            mid = (sum(by_label[0]) / len(by_label[0]) +
                   sum(by_label[1]) / len(by_label[1])) / 2
            self.threshold += self.step * (mid - self.threshold)

    def predict(self, data, **kwargs):
        out = {}
        for x in data:
            v = value(x)
            out[x] = {"label": int(v > self.threshold),
                      "margin": abs(v - self.threshold)}
        return out

    def evaluate(self, data, model_path=None, metric=None, **kwargs):
        self.load(model_path)
        pred = [r["label"] for r in self.predict(data.x).values()]
        return {"accuracy": metric(data.y, pred)}
