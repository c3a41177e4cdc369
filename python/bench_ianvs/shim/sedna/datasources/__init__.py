"""sedna.datasources as Ianvs's dataset loader uses it (bench's stand-in).

A data source has .x (samples) and .y (labels), numpy arrays for text
files.  TxtDataParse reads lines "X [Y]" split on blanks: x the first
field, y the second (0 when absent), no y for data_type "test";
use_raw=True keeps the whole split line as x.  CSVDataParse (needs pandas)
and JSONDataParse read the other formats Ianvs names.
"""
import json
import os

from sedna.common.class_factory import ClassFactory, ClassType

__all__ = ("BaseDataSource", "TxtDataParse", "CSVDataParse",
           "JSONDataParse")


class BaseDataSource:
    def __init__(self, data_type="train", func=None):
        self.data_type = data_type
        self.process_func = None
        if callable(func):
            self.process_func = func
        elif func:
            self.process_func = ClassFactory.get_cls(ClassType.CALLBACK,
                                                     func)()
        self.x = None
        self.y = None
        self.meta_attr = None

    def num_examples(self):
        return len(self.x)

    def __len__(self):
        return self.num_examples()

    def parse(self, *args, **kwargs):
        raise NotImplementedError

    @property
    def is_test_data(self):
        return self.data_type == "test"


class TxtDataParse(BaseDataSource):
    """A text file of samples, one "X [Y]" per line."""

    def __init__(self, data_type, func=None):
        super().__init__(data_type=data_type, func=func)

    def parse(self, *args, **kwargs):
        import numpy as np
        x_data, y_data = [], []
        use_raw = kwargs.get("use_raw")
        for f in args:
            if not (f and os.path.exists(f)):
                continue
            with open(f, encoding="utf-8") as fin:
                lines = [line.strip() for line in fin.readlines()]
            if self.process_func:
                rows = list(map(self.process_func, lines))
            else:
                rows = [line.split() for line in lines]
            for tup in rows:
                if not len(tup):
                    continue
                if use_raw:
                    x_data.append(tup)
                else:
                    x_data.append(tup[0])
                    if not self.is_test_data:
                        y_data.append(tup[1] if len(tup) > 1 else 0)
        self.x = np.array(x_data)
        self.y = np.array(y_data)


class CSVDataParse(BaseDataSource):
    """A CSV file of structured data; the column `label` is y."""

    def __init__(self, data_type, func=None):
        super().__init__(data_type=data_type, func=func)

    def parse(self, *args, **kwargs):
        import pandas as pd
        x_data, y_data = [], []
        label = kwargs.pop("label", "") or ""
        usecols = kwargs.get("usecols", "")
        if usecols and isinstance(usecols, str):
            usecols = usecols.split(",")
        if usecols:
            if label and label not in usecols:
                usecols.append(label)
            kwargs["usecols"] = usecols
        for f in args:
            if isinstance(f, (dict, list)):
                res = pd.DataFrame.from_dict([f], **kwargs)
            elif f and os.path.exists(f):
                res = pd.read_csv(f, **kwargs)
            else:
                continue
            if self.process_func:
                res = self.process_func(res)
            if label:
                if label not in res.columns:
                    continue
                y_data.append(res[label])
                res = res.drop(label, axis=1)
            x_data.append(res)
        if x_data:
            self.x = pd.concat(x_data)
            self.y = pd.concat(y_data) if y_data else None


class JSONDataParse(BaseDataSource):
    """A JSON file: a list of {"x"|"image": .., "y"|"label": ..} objects,
    or an object with lists "x" and "y"."""

    def __init__(self, data_type, func=None):
        super().__init__(data_type=data_type, func=func)

    def parse(self, *args, **kwargs):
        import numpy as np
        x_data, y_data = [], []
        for f in args:
            if not (f and os.path.exists(f)):
                continue
            with open(f, encoding="utf-8") as fin:
                doc = json.load(fin)
            if isinstance(doc, dict):
                x_data.extend(doc.get("x", []))
                y_data.extend(doc.get("y", []))
                continue
            for item in doc:
                x_data.append(item.get("x", item.get("image")))
                y_data.append(item.get("y", item.get("label")))
        self.x = np.array(x_data)
        self.y = np.array(y_data)
