"""The version of the Python package (standard library only: setuptools
runs this module to read __version__).

The version is written once, in meson.build's project(version : ...), and
never copied by hand. It is found here, in this order:
 1. in a checkout (PYTHONPATH=bindings/python, or pip building the package
    from bindings/python): read from <repo>/meson.build;
 2. in a package installed by `meson install`: shellsim/_paths.py, which
    meson generated from 1 (VERSION);
 3. in a package installed by pip: the installed distribution's metadata,
    which pip wrote from 1 when it built the package.
tests/hygiene.py checks that this equals meson's project version and the
headers' SHELLSIM_VERSION.
"""

import os as _os
import re as _re


def _from_meson_build():
    """project('shellsim', ..., version : 'X.Y.Z') of the checkout holding
    this package, or None outside a checkout."""
    here = _os.path.dirname(_os.path.abspath(__file__))
    path = _os.path.join(here, _os.pardir, _os.pardir, _os.pardir, "meson.build")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    m = _re.search(r"\bproject\(\s*'shellsim'[^)]*?\bversion\s*:\s*'([^']+)'",
                   text)
    return m.group(1) if m else None


def _from_meson_install():
    """The version `meson install` recorded in shellsim/_paths.py, or None
    (no such module: a checkout or a pip install)."""
    try:
        from ._paths import VERSION
    except ImportError:
        return None
    return VERSION


def _from_metadata():
    """The version of the installed distribution "shellsim", or None."""
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:          # Python < 3.8
        return None
    try:
        return version("shellsim")
    except PackageNotFoundError:
        return None


__version__ = _from_meson_build() or _from_meson_install() or _from_metadata()
if __version__ is None:
    raise ImportError("shellsim: cannot tell this package's version: it is "
                      "neither in a shellsim checkout (meson.build) nor "
                      "installed (meson's _paths.py, pip metadata)")

# The library this package is written for: shellsim_version_number() must
# have this major and minor (see _lib.check_version for the rule).
LIBRARY_MAJOR, LIBRARY_MINOR = (int(p) for p in __version__.split(".")[:2])
