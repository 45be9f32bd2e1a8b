"""python3 -m shellsim: the shellsim command line, run from Python.

    python3 -m shellsim run scenarios/najin-dunay.ini --json
    python3 -m shellsim --version

This is the CLI's twin, not a second implementation: it finds the shellsim
executable that goes with this package and replaces the Python process
with it (os.execv), so the output, the exit status, standard input and
signals are the CLI's own. The console script `shellsim-py` (pyproject.toml)
does the same.

Where the executable is looked for, in this order (the first that exists
wins):
  1. the environment variable SHELLSIM_CLI, a path (when it is set, nothing
     else is tried);
  2. what `meson install` recorded in shellsim/_paths.py (BINDIR, or
     the bin/ beside the recorded LIBRARY's lib directory);
  3. the meson build tree of the checkout this package sits in:
     <repo>/build/cli/shellsim;
  4. beside the library the package would load: LIBDIR/../bin/shellsim
     (an install prefix; LIBDIR/../../bin for a multiarch libdir
     such as lib/x86_64-linux-gnu)
     or LIBDIR/../cli/shellsim (a build tree), LIBDIR from
     SHELLSIM_LIBRARY, else from loading the library;
  5. PATH.
None found: exit status 127 and a message saying where it looked. Nothing
here needs the library loaded (step 4 tries to load it and goes on when it
cannot).
"""

import os
import shutil
import sys
from typing import List, Optional, Sequence

PROGRAM = "shellsim"


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _beside_library(libpath: str) -> List[str]:
    """The CLI's possible places beside a library file."""
    libdir = os.path.dirname(os.path.abspath(libpath))
    rels = [(os.pardir, "bin")]
    if "-linux-" in os.path.basename(libdir):   # lib/x86_64-linux-gnu
        rels.append((os.pardir, os.pardir, "bin"))
    rels.append((os.pardir, "cli"))               # build/libsim -> build/cli
    return [os.path.normpath(os.path.join(libdir, *rel, PROGRAM))
            for rel in rels]


def candidates() -> List[str]:
    """Where the CLI is looked for, in order (see the module's docstring);
    SHELLSIM_CLI alone when it is set."""
    env = os.environ.get("SHELLSIM_CLI")
    if env:
        return [env]
    out: List[str] = []
    try:
        from . import _paths  # type: ignore[attr-defined]  # meson install
    except ImportError:
        _paths = None
    if _paths is not None:
        bindir = getattr(_paths, "BINDIR", None)
        if bindir:
            out.append(os.path.join(bindir, PROGRAM))
        library = getattr(_paths, "LIBRARY", None)
        if library:
            out += _beside_library(library)
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.normpath(os.path.join(here, os.pardir, os.pardir, os.pardir))
    out.append(os.path.join(repo, "build", "cli", PROGRAM))
    library = os.environ.get("SHELLSIM_LIBRARY")
    if not library:
        try:
            from . import _lib
            library = _lib.path
        except (ImportError, OSError):
            library = None
    if library:
        out += _beside_library(library)
    on_path = shutil.which(PROGRAM)
    if on_path:
        out.append(on_path)
    seen = set()
    return [p for p in out if not (p in seen or seen.add(p))]


def find_cli() -> Optional[str]:
    """The path of the shellsim executable, or None."""
    for path in candidates():
        if _executable(path):
            return path
    return None


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the shellsim CLI with argv (default: sys.argv[1:]) in place of
    this process. Returns (127) only when no CLI is found."""
    args = list(sys.argv[1:] if argv is None else argv)
    path = find_cli()
    if path is None:
        sys.stderr.write(
            "python3 -m shellsim: cannot find the shellsim command line "
            "program; looked at %s%s. Set SHELLSIM_CLI to its path, build "
            "it (ninja -C build) or install it (meson install).\n"
            % (", ".join(candidates()),
               "" if os.environ.get("SHELLSIM_CLI") else ", and on PATH"))
        return 127
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(path, [PROGRAM] + args)
    return 127  # pragma: no cover  (execv does not return)


if __name__ == "__main__":
    sys.exit(main())
