"""sedna.common.class_factory as Ianvs modules use it (bench's stand-in).

ClassFactory.register(ClassType.GENERAL, alias="name") files a class or a
function under (type, alias or its own name); get_cls(type, name) gives it
back, or raises ValueError when nothing was registered under that name.
"""
from inspect import isclass, isfunction


class ClassType:
    """The registry's groups, with sedna's names."""
    GENERAL = "general"
    HEM = "hard_example_mining"
    FL_AGG = "aggregation"
    MTL = "multi_task_learening"
    UTD = "unseen_task_detect"
    ALGORITHM = "algorithm"
    DATASET = "data_process"
    CALLBACK = "post_process_callback"
    # used by Ianvs's module.py for lifelong-learning module types
    STP = "task_definition"
    KM = "knowledge_management"
    UTP = "unseen_task_processing"


class ClassFactory:
    """A registry of classes and functions by type and name."""
    __registry__ = {}

    @classmethod
    def register_cls(cls, t_cls, type_name=ClassType.GENERAL, alias=None):
        name = alias if alias is not None else t_cls.__name__
        # sedna's own check compares against the type names, so a second
        # class under a name replaces the first: do the same
        cls.__registry__.setdefault(type_name, {})[name] = t_cls
        return t_cls

    @classmethod
    def register(cls, type_name=ClassType.GENERAL, alias=None):
        def wrapper(t_cls):
            return cls.register_cls(t_cls, type_name, alias)
        return wrapper

    @classmethod
    def register_from_package(cls, package, type_name=ClassType.GENERAL):
        for name in dir(package):
            obj = getattr(package, name)
            if not name.startswith("_") and (isclass(obj) or
                                             isfunction(obj)):
                cls.register_cls(obj, type_name)

    @classmethod
    def is_exists(cls, type_name, cls_name=None):
        if cls_name is None:
            return type_name in cls.__registry__
        return cls_name in cls.__registry__.get(type_name, {})

    @classmethod
    def get_cls(cls, type_name, t_cls_name=None):
        if t_cls_name is None or not cls.is_exists(type_name, t_cls_name):
            raise ValueError("can't find class type %s class name %s in "
                             "class registry" % (type_name, t_cls_name))
        return cls.__registry__[type_name][t_cls_name]
