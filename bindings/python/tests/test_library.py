"""Loading the library: where it is found, its version, and a prototype for
every function of shellsim.h."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import shellsim
from shellsim import _lib

from conftest import BUILD_INCLUDE, INCLUDE_FLAGS, PACKAGE_ROOT, REPO, install_copy

HEADER = os.path.join(REPO, "include", "shellsim.h")


def header_functions():
    with open(HEADER, encoding="utf-8") as f:
        text = f.read()
    # and the public headers shellsim.h includes (shellsim_infer.h)
    # (shellsim_version.h is generated into the build tree)
    for name in re.findall(r'#include "(shellsim_\w+\.h)"', text):
        for d in (os.path.dirname(HEADER), BUILD_INCLUDE):
            if os.path.exists(os.path.join(d, name)):
                with open(os.path.join(d, name), encoding="utf-8") as f:
                    text += f.read()
                break
        else:
            raise FileNotFoundError(name)
    return set(re.findall(r"SHELLSIM_API\b[^;(]*?\b(shellsim_\w+)\s*\(", text))


def test_package_and_library_versions_are_strings_of_the_same_minor():
    # (that __version__ is meson.build's is checked by tests/hygiene.py)
    assert re.fullmatch(r"\d+\.\d+\.\d+", shellsim.__version__)
    assert tuple(map(int, shellsim.__version__.split(".")[:2])) == \
        (_lib.LIBRARY_MAJOR, _lib.LIBRARY_MINOR)
    v = shellsim.library_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", v)
    major, minor, _ = map(int, v.split("."))
    assert (major, minor) == (_lib.LIBRARY_MAJOR, _lib.LIBRARY_MINOR)
    assert _lib.lib.shellsim_version_number() == \
        major * 1000000 + minor * 1000 + int(v.split(".")[2])


@pytest.mark.skipif(not os.path.exists(HEADER), reason="no shellsim.h")
def test_every_function_of_the_header_has_a_prototype():
    declared = header_functions()
    assert len(declared) >= 20
    assert declared == set(_lib.PROTOTYPES)
    for name in declared:
        fn = getattr(_lib.lib, name)
        restype, argtypes = _lib.PROTOTYPES[name]
        assert fn.restype is restype, name
        assert list(fn.argtypes) == argtypes, name


@pytest.mark.skipif(shutil.which("nm") is None, reason="no nm")
def test_every_exported_function_of_the_library_has_a_prototype():
    out = subprocess.run(["nm", "-D", "--defined-only", shellsim.library_path()],
                         capture_output=True, text=True, check=True).stdout
    # nm shows a versioned symbol as name@@SHELLSIM_0.MINOR
    exported = {line.split()[-1].split("@")[0] for line in out.splitlines()
                if line.split()[-1].startswith("shellsim_")}
    assert exported == set(_lib.PROTOTYPES)


C_LAYOUT = r"""
#include <stddef.h>
#include <stdio.h>
#include "shellsim.h"
#define P(t, f) printf(#t "." #f " %zu\n", offsetof(t, f))
int main(void) {
    printf("shellsim_error %zu\n", sizeof(shellsim_error));
    P(shellsim_error, status); P(shellsim_error, line); P(shellsim_error, message);
    printf("shellsim_stats %zu\n", sizeof(shellsim_stats));
    P(shellsim_stats, n); P(shellsim_stats, undefined); P(shellsim_stats, mean);
    P(shellsim_stats, ci95_lo); P(shellsim_stats, max);
    printf("shellsim_run_options %zu\n", sizeof(shellsim_run_options));
    P(shellsim_run_options, replications); P(shellsim_run_options, seed);
    P(shellsim_run_options, threads); P(shellsim_run_options, keep_runs);
    P(shellsim_run_options, series); P(shellsim_run_options, progress);
    P(shellsim_run_options, progress_user);
    printf("enum %zu\n", sizeof(shellsim_status));
    return 0;
}
"""


@pytest.mark.skipif(shutil.which("cc") is None or not os.path.exists(HEADER),
                    reason="no C compiler or header")
def test_struct_layouts_match_the_c_compiler(tmp_path):
    src = tmp_path / "layout.c"
    src.write_text(C_LAYOUT)
    exe = tmp_path / "layout"
    subprocess.run(["cc", "-std=c11", *INCLUDE_FLAGS, str(src),
                    "-o", str(exe)], check=True)
    c = dict(line.rsplit(" ", 1) for line in
             subprocess.run([str(exe)], capture_output=True, text=True,
                            check=True).stdout.splitlines())
    c = {k: int(v) for k, v in c.items()}
    py = {"shellsim_error": _lib.ShellsimError,
          "shellsim_stats": _lib.ShellsimStats,
          "shellsim_run_options": _lib.ShellsimRunOptions}
    for key, value in c.items():
        if key == "enum":
            assert value == 4
        elif "." in key:
            struct, field = key.split(".")
            assert getattr(py[struct], field).offset == value, key
        else:
            assert __import__("ctypes").sizeof(py[key]) == value, key


def test_version_check_accepts_same_minor_and_rejects_others():
    _lib.check_version(_lib.LIBRARY_MAJOR * 1000000 + _lib.LIBRARY_MINOR * 1000 + 7)
    for other in (_lib.LIBRARY_MAJOR * 1000000 + (_lib.LIBRARY_MINOR + 1) * 1000,
                  (_lib.LIBRARY_MAJOR + 1) * 1000000 + _lib.LIBRARY_MINOR * 1000):
        with pytest.raises(ImportError, match="needs libshellsim"):
            _lib.check_version(other, "/some/libshellsim.so")


def _import_in_subprocess(env, path=PACKAGE_ROOT):
    env = dict(os.environ, **env)
    env["PYTHONPATH"] = path
    env.pop("PYTHONSTARTUP", None)
    return subprocess.run([sys.executable, "-c",
                           "import shellsim; print(shellsim.library_path())"],
                          env=env, cwd="/", capture_output=True, text=True,
                          timeout=60)


def test_a_bad_SHELLSIM_LIBRARY_is_a_clear_import_error():
    p = _import_in_subprocess({"SHELLSIM_LIBRARY": "/nonexistent/libshellsim.so"})
    assert p.returncode != 0
    assert "ImportError" in p.stderr
    assert "SHELLSIM_LIBRARY=/nonexistent/libshellsim.so" in p.stderr


def test_SHELLSIM_LIBRARY_wins(tmp_path):
    copy = tmp_path / "libshellsim-copy.so"
    shutil.copy(shellsim.library_path(), copy)
    p = _import_in_subprocess({"SHELLSIM_LIBRARY": str(copy)})
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == str(copy)


def test_a_library_next_to_the_package_is_found_before_the_system(tmp_path):
    pkg = Path(install_copy(tmp_path / "site"))
    shutil.copy(shellsim.library_path(), pkg / "libshellsim.so.0")
    env = {k: v for k, v in os.environ.items() if k != "SHELLSIM_LIBRARY"}
    p = subprocess.run([sys.executable, "-c",
                        "import shellsim; print(shellsim.library_path())"],
                       env=dict(env, PYTHONPATH=str(tmp_path / "site")),
                       cwd=str(tmp_path), capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == str(pkg / "libshellsim.so.0")


def test_without_any_library_the_import_error_says_where_it_looked(tmp_path):
    install_copy(tmp_path / "site", ignore=("__pycache__", "libshellsim*"))
    # meson test sets LD_LIBRARY_PATH to the build's libsim, where
    # find_library would look too
    env = {k: v for k, v in os.environ.items()
           if k not in ("SHELLSIM_LIBRARY", "LD_LIBRARY_PATH")}
    # find_library may still find an installed libshellsim: then skip.
    p = subprocess.run([sys.executable, "-c", "import shellsim"],
                       env=dict(env, PYTHONPATH=str(tmp_path / "site")),
                       cwd=str(tmp_path), capture_output=True, text=True,
                       timeout=60)
    if p.returncode == 0:
        pytest.skip("libshellsim is installed on this system")
    assert "cannot find libshellsim" in p.stderr
    assert "SHELLSIM_LIBRARY" in p.stderr
