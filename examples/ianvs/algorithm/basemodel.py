"""An Ianvs estimator: a nearest-centroid classifier on 2-D samples.

Registered with sedna's ClassFactory as Ianvs modules are; bench runs it
through its adapter exactly as Ianvs's singletasklearning paradigm would:
train(train_data) -> save(dir) -> load(path) -> predict(test_data.x).
`bias` shifts the decision towards class 1 (a hyperparameter to sweep).
"""
import os

import numpy as np
from sedna.common.class_factory import ClassFactory, ClassType

__all__ = ["BaseModel"]


def read_vector(path):
    with open(path, encoding="utf-8") as f:
        return [float(v) for v in f.read().split()]


def read_label(path):
    with open(path, encoding="utf-8") as f:
        return int(f.read().strip())


@ClassFactory.register(ClassType.GENERAL, alias="centroid")
class BaseModel:
    def __init__(self, **kwargs):
        self.bias = float(kwargs.get("bias", 0.0))
        self.centroids = None

    def train(self, train_data, valid_data=None, **kwargs):
        x = np.array([read_vector(p) for p in train_data.x])
        y = np.array([read_label(p) for p in train_data.y])
        self.centroids = np.stack([x[y == c].mean(axis=0) for c in (0, 1)])

    def save(self, model_path):
        os.makedirs(model_path, exist_ok=True)
        path = os.path.join(model_path, "centroids.npy")
        np.save(path, self.centroids)
        return path

    def load(self, model_url=None):
        self.centroids = np.load(model_url)

    def predict(self, data, **kwargs):
        x = np.array([read_vector(p) for p in data])
        d0 = np.linalg.norm(x - self.centroids[0], axis=1)
        d1 = np.linalg.norm(x - self.centroids[1], axis=1)
        return (d1 - self.bias < d0).astype(int)
