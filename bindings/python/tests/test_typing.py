"""The package is typed: every public function and method has type hints,
and the py.typed marker (PEP 561) is in the package and in what pip
installs."""

import importlib
import inspect
import os

import shellsim

from conftest import PACKAGE_ROOT

MODULES = ["shellsim", "shellsim._core", "shellsim._errors", "shellsim._lib",
           "shellsim._interrupt", "shellsim._stats", "shellsim.analysis",
           "shellsim.infer", "shellsim.plot"]


def _ours(obj):
    return getattr(obj, "__module__", "").startswith("shellsim")


def _public_callables():
    """(qualified name, function) of every public function of the
    package's modules and every public method or property of its classes
    (with __init__), defined in the package."""
    seen = set()
    for modname in MODULES:
        mod = importlib.import_module(modname)
        for name, obj in vars(mod).items():
            if name.startswith("_"):
                continue
            if inspect.isfunction(obj) and _ours(obj):
                yield "%s.%s" % (modname, name), obj
            elif inspect.isclass(obj) and _ours(obj):
                for klass in obj.__mro__:   # with private bases (_Handle)
                    if _ours(klass) and klass not in seen:
                        seen.add(klass)
                        yield from _methods(klass)


def _methods(klass):
    for attr, member in vars(klass).items():
        if attr.startswith("_") and attr not in ("__init__", "__enter__",
                                                 "__exit__"):
            continue
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        if isinstance(member, property):
            member = member.fget
        if inspect.isfunction(member) and _ours(member):
            yield "%s.%s" % (klass.__qualname__, attr), member


def test_every_public_function_and_method_has_type_hints():
    missing = []
    checked = 0
    for qualname, fn in _public_callables():
        checked += 1
        sig = inspect.signature(fn)
        if "return" not in fn.__annotations__:
            missing.append(qualname + " -> ?")
        for i, p in enumerate(sig.parameters.values()):
            if i == 0 and p.name in ("self", "cls"):
                continue
            if p.name not in fn.__annotations__:
                missing.append("%s(%s)" % (qualname, p.name))
    assert missing == []
    assert checked > 60


def test_the_py_typed_marker_is_in_the_package_and_its_package_data():
    assert os.path.isfile(os.path.join(os.path.dirname(shellsim.__file__),
                                       "py.typed"))
    with open(os.path.join(PACKAGE_ROOT, "pyproject.toml"),
              encoding="utf-8") as f:
        text = f.read()
    data = text[text.index("[tool.setuptools.package-data]"):]
    line = next(x for x in data.splitlines() if x.startswith("shellsim ="))
    assert '"py.typed"' in line
