"""The C ABI is known in one place: shellsim/_lib.py declares every struct,
constant and prototype of the public headers, each as the headers and the
C compiler have it, and no other module of the package declares any; one
module (_interrupt.py) wraps the interruptible calls, and BANDS is defined
once."""

import ast
import ctypes
import importlib
import os
import re
import shutil
import subprocess

import pytest

import shellsim
from shellsim import _lib, analysis

# the module (shellsim.infer, the attribute, is the function)
infer_module = importlib.import_module("shellsim.infer")

from conftest import INCLUDE_FLAGS, PACKAGE_ROOT, REPO

INCLUDE = os.path.join(REPO, "include")
HEADERS = ("shellsim.h", "shellsim_infer.h", "shellsim_analysis.h")
PACKAGE = os.path.join(PACKAGE_ROOT, "shellsim")
MODULES = sorted(f for f in os.listdir(PACKAGE) if f.endswith(".py"))

needs_headers = pytest.mark.skipif(
    not os.path.exists(os.path.join(INCLUDE, "shellsim.h")),
    reason="no include/shellsim.h")


# --------------------------------------------------------------- headers

def _header_text(headers=HEADERS):
    text = ""
    for h in headers:
        with open(os.path.join(INCLUDE, h), encoding="utf-8") as f:
            text += f.read() + "\n"
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def _header_prototypes(headers=HEADERS):
    """name -> (return type, [parameter types]) of every SHELLSIM_API
    function, in the headers' order, types as written without names
    ("const char *")."""
    out = {}
    for ret, name, params in re.findall(
            r"SHELLSIM_API\s+([^;(){}#]*?)\b(shellsim_\w+)\s*\(([^)]*)\)\s*;",
            _header_text(headers)):
        types = []
        params = " ".join(params.split())
        if params != "void":
            for p in params.split(","):
                m = re.fullmatch(r"\s*(.*?[\s*])(\w+)\s*", p)
                types.append(m.group(1))
        out[name] = (ret, types)
    return out


_ENUMS = {"shellsim_status", "shellsim_band", "shellsim_arm"}
_SCALARS = {"int": ctypes.c_int, "size_t": ctypes.c_size_t,
            "uint64_t": ctypes.c_uint64, "double": ctypes.c_double,
            "char*": ctypes.c_char_p, "void": None,
            "unsignedchar*": ctypes.POINTER(ctypes.c_ubyte),
            "void*": ctypes.c_void_p}
_CALLBACKS = {"shellsim_work_tally_fn": "TALLY_FN"}
_OPAQUE = {"shellsim_scenario", "shellsim_result", "shellsim_observations",
           "shellsim_inference", "shellsim_comparison", "shellsim_sensitivity",
           "shellsim_sweep", "shellsim_work", "shellsim_work_part"}


def _ctype_of(c_type):
    """The ctypes type _lib must declare for a C type of the headers: enums
    are c_int, a const pointer is the pointer, an opaque handle
    shellsim_NAME * is _lib.NameP, a struct pointer is a POINTER to the
    struct of _lib.STRUCTS."""
    t = re.sub(r"\bconst\b", " ", c_type)
    t = re.sub(r"\s+", "", t)
    stars = len(t) - len(t.rstrip("*"))
    base = t.rstrip("*")
    if base in _ENUMS and stars == 0:
        return ctypes.c_int
    if base in _CALLBACKS and stars == 0:
        return getattr(_lib, _CALLBACKS[base])
    if base + "*" * stars in _SCALARS:
        return _SCALARS[base + "*" * stars]
    if base in _OPAQUE:
        handle = getattr(_lib, "".join(w.capitalize() for w in
                                       base[len("shellsim_"):].split("_")) + "P")
        t = handle
        stars -= 1
    elif base in _lib.STRUCTS:
        t = _lib.STRUCTS[base]
    else:
        t = _SCALARS[base]
    for _ in range(stars):
        t = ctypes.POINTER(t)
    return t


@needs_headers
def test_every_header_function_is_declared_in_lib_with_the_headers_types():
    header = _header_prototypes()
    assert len(header) >= 60
    assert set(header) == set(_lib.PROTOTYPES)
    for name, (ret, params) in header.items():
        restype, argtypes = _lib.PROTOTYPES[name]
        assert restype is _ctype_of(ret), (name, ret)
        assert argtypes == [_ctype_of(p) for p in params], (name, params)


@needs_headers
def test_the_per_header_tables_split_the_prototypes_by_header():
    for h, table in (("shellsim.h", _lib.PROTOTYPES_SHELLSIM_H),
                     ("shellsim_infer.h", _lib.PROTOTYPES_INFER_H),
                     ("shellsim_analysis.h", _lib.PROTOTYPES_ANALYSIS_H)):
        names = list(_header_prototypes([h]))
        assert list(table) == names, h   # in the header's order
    assert analysis.PROTOTYPES is _lib.PROTOTYPES_ANALYSIS_H
    assert infer_module.PROTOTYPES is _lib.PROTOTYPES_INFER_H


@pytest.mark.skipif(shutil.which("nm") is None, reason="no nm")
def test_every_exported_symbol_has_argtypes_and_restype_set_by_lib():
    out = subprocess.run(["nm", "-D", "--defined-only", shellsim.library_path()],
                         capture_output=True, text=True, check=True).stdout
    # nm shows a versioned symbol as name@@SHELLSIM_0.MINOR
    exported = {line.split()[-1].split("@")[0] for line in out.splitlines()
                if line.split() and line.split()[-1].startswith("shellsim_")}
    assert len(exported) >= 60
    assert exported == set(_lib.PROTOTYPES)
    for name in exported:
        fn = getattr(_lib.lib, name)
        restype, argtypes = _lib.PROTOTYPES[name]
        assert fn.argtypes is not None, name
        assert list(fn.argtypes) == argtypes, name
        assert fn.restype is restype, name


# ------------------------------------------------------ the C compiler

def _layout_program():
    lines = ["#include <stddef.h>", "#include <stdio.h>",
             '#include "shellsim.h"', "int main(void) {"]
    for cname, cls in _lib.STRUCTS.items():
        lines.append('printf("%s %%zu\\n", sizeof(%s));' % (cname, cname))
        for field, _ in cls._fields_:
            lines.append('printf("%s.%s %%zu\\n", offsetof(%s, %s));'
                         % (cname, field, cname, field))
    consts = {"OK": "SHELLSIM_OK", "EINVAL": "SHELLSIM_EINVAL",
              "ENOMEM": "SHELLSIM_ENOMEM", "EIO": "SHELLSIM_EIO",
              "ESCENARIO": "SHELLSIM_ESCENARIO",
              "ENOTFOUND": "SHELLSIM_ENOTFOUND", "ELIMIT": "SHELLSIM_ELIMIT",
              "EINTERRUPTED": "SHELLSIM_EINTERRUPTED",
              "ENORUNS": "SHELLSIM_ENORUNS",
              "ERROR_MESSAGE_SIZE": "SHELLSIM_ERROR_MESSAGE_SIZE",
              "MAX_HORIZON_DAYS": "SHELLSIM_MAX_HORIZON_DAYS",
              "MAX_REPLICATIONS": "SHELLSIM_MAX_REPLICATIONS",
              "MAX_SAMPLES": "SHELLSIM_MAX_SAMPLES",
              "SOBOL_MAX_PARAMETERS": "SHELLSIM_SOBOL_MAX_PARAMETERS",
              "MAX_KEEP_PATHS": "SHELLSIM_MAX_KEEP_PATHS",
              "OBSERVE_BLOCK_BYTES": "SHELLSIM_OBSERVE_BLOCK_BYTES",
              "BAND_COUNT": "SHELLSIM_BAND_COUNT",
              "BAND_P50": "SHELLSIM_BAND_P50", "BAND_P95": "SHELLSIM_BAND_P95",
              "ARM_DIFF": "SHELLSIM_ARM_DIFF"}
    for py, c in consts.items():
        lines.append('printf("=%s %%llu\\n", (unsigned long long)(%s));'
                     % (py, c))
    lines += ["return 0;", "}"]
    return "\n".join(lines) + "\n"


@needs_headers
@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_every_struct_and_constant_of_lib_matches_the_c_compiler(tmp_path):
    src = tmp_path / "abi.c"
    src.write_text(_layout_program())
    exe = tmp_path / "abi"
    subprocess.run(["cc", "-std=c11", *INCLUDE_FLAGS, str(src), "-o", str(exe)],
                   check=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True,
                         check=True).stdout
    seen = 0
    for line in out.splitlines():
        key, value = line.rsplit(" ", 1)
        value = int(value)
        if key.startswith("="):
            key = key[1:]
            if key == "BAND_COUNT":
                assert len(_lib.BANDS) == value
            elif key.startswith("BAND_"):
                assert _lib.BANDS.index(key[5:].lower()) == value, key
            elif key == "ARM_DIFF":
                assert _lib.ARMS.index("diff") == value
            else:
                assert getattr(_lib, key) == value, key
        elif "." in key:
            struct, field = key.split(".")
            assert getattr(_lib.STRUCTS[struct], field).offset == value, key
        else:
            assert ctypes.sizeof(_lib.STRUCTS[key]) == value, key
        seen += 1
    assert seen > 80


@needs_headers
def test_lib_knows_every_struct_of_the_headers():
    structs = set(re.findall(r"typedef\s+struct\s+(shellsim_\w+)\s*\{",
                             _header_text()))
    assert structs == set(_lib.STRUCTS)


# ---------------------------------------------- one place for each thing

def _trees():
    for name in MODULES:
        with open(os.path.join(PACKAGE, name), encoding="utf-8") as f:
            yield name, ast.parse(f.read(), name)


def _dotted(node):
    """"a.b.c" for a Name/Attribute chain, else ""."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return base + "." + node.attr if base else ""
    return ""


def test_no_module_but_lib_declares_a_ctypes_structure_or_a_prototype():
    ctypes_kinds = {"Structure", "Union", "BigEndianStructure",
                    "LittleEndianStructure"}
    offenders = []
    for name, tree in _trees():
        if name == "_lib.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for base in node.bases:
                    if _dotted(base).split(".")[-1] in ctypes_kinds:
                        offenders.append("%s: class %s(%s)"
                                         % (name, node.name, _dotted(base)))
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) \
                    else [node.target]
                for t in targets:
                    if isinstance(t, ast.Attribute) and t.attr in (
                            "argtypes", "restype", "_fields_"):
                        offenders.append("%s:%d sets .%s"
                                         % (name, node.lineno, t.attr))
                    if isinstance(t, ast.Name) and t.id == "_fields_":
                        offenders.append("%s:%d: _fields_" % (name, node.lineno))
            if isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] \
                    in ("CFUNCTYPE", "PYFUNCTYPE", "declare"):
                offenders.append("%s:%d calls %s"
                                 % (name, node.lineno, _dotted(node.func)))
            if isinstance(node, ast.ImportFrom) and node.module == "ctypes":
                for alias in node.names:
                    if alias.name in ctypes_kinds | {"CFUNCTYPE"}:
                        offenders.append("%s:%d imports ctypes.%s"
                                         % (name, node.lineno, alias.name))
    assert offenders == []


def test_only_the_interrupt_module_installs_a_sigint_handler_or_a_callback():
    offenders = []
    for name, tree in _trees():
        if name == "_interrupt.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _dotted(node.func) in (
                    "signal.signal", "_lib.PROGRESS_FN", "PROGRESS_FN"):
                offenders.append("%s:%d %s" % (name, node.lineno,
                                               _dotted(node.func)))
            if isinstance(node, ast.Import) and any(
                    a.name == "signal" for a in node.names):
                offenders.append("%s:%d imports signal" % (name, node.lineno))
    assert offenders == []


def test_bands_are_defined_once():
    defined = []
    for name, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "BANDS"
                    for t in node.targets):
                defined.append(name)
    assert defined == ["_lib.py"]
    assert shellsim.BANDS is _lib.BANDS


def test_the_stats_of_the_c_struct_are_built_in_one_place():
    """Only _stats.py makes a Stats or reads the members of a
    shellsim_stats (sem and p25 are its alone)."""
    builders = []
    for name, tree in _trees():
        if name == "_stats.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] \
                    == "Stats":
                builders.append("%s:%d Stats()" % (name, node.lineno))
            if isinstance(node, ast.Attribute) and node.attr in ("sem", "p25"):
                builders.append("%s:%d .%s" % (name, node.lineno, node.attr))
    assert builders == []
