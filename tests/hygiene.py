#!/usr/bin/env python3
"""hygiene.py: what the built library shows the outside world (issue 15).

 - it exports only shellsim_* symbols, each with the version node
   SHELLSIM_<soversion>, and its soname is libshellsim.so.<soversion>;
 - `pkg-config --static --libs shellsim` names no library twice (other
   packages' -lm aside: gsl.pc itself says -lm twice);
 - the version is written once: the generated <shellsim_version.h> and the
   Python package's __version__ equal meson's project version, and no
   public header or module of the package holds the version as a literal.

Prints TAP. All arguments come from tests/meson.build:

    hygiene.py LIBRARY SOVERSION PKGCONFIG PC_DIR BUILD_INCLUDE VERSION SOURCE_ROOT

PKGCONFIG may be "" (no pkg-config: that test is skipped).
"""
import importlib.util
import os
import re
import subprocess
import sys


def run(*cmd, env=None):
    return subprocess.run(cmd, capture_output=True, text=True, check=True,
                          env=env).stdout


def exports_only_versioned_shellsim_symbols(lib, soversion, **_):
    node = "SHELLSIM_" + soversion
    fails = []
    names = 0
    for line in run("nm", "-D", "--defined-only", lib).splitlines():
        f = line.split()
        if len(f) == 3 and f[1] == "A" and f[2] == node:
            continue                    # the version node's own definition
        sym = f[-1]
        name, _, version = sym.partition("@@")
        if not name.startswith("shellsim_"):
            fails.append("exported, not shellsim_*: " + sym)
        elif version != node:
            fails.append("not in node %s: %s" % (node, sym))
        names += 1
    if names < 60:
        fails.append("only %d shellsim_* symbols exported" % names)
    soname = re.search(r"\(SONAME\).*\[(.*)\]", run("readelf", "-d", lib))
    if not soname or soname.group(1) != "libshellsim.so." + soversion:
        fails.append("soname %s, not libshellsim.so.%s"
                     % (soname and soname.group(1), soversion))
    return fails


def pkg_config_static_names_each_library_once(pkgconfig, pc_dir, **_):
    if not pkgconfig:
        return None
    env = dict(os.environ, PKG_CONFIG_PATH=pc_dir)
    flags = run(pkgconfig, "--static", "--libs", "shellsim", env=env).split()
    fails = []
    for flag in sorted(set(flags)):
        if flag.startswith("-l") and flag != "-lm" and flags.count(flag) > 1:
            fails.append("%s %d times in: %s" % (flag, flags.count(flag),
                                                  " ".join(flags)))
    for need in ("-lshellsim", "-lgsl", "-linih"):
        if need not in flags:
            fails.append("%s missing from: %s" % (need, " ".join(flags)))
    return fails


def version_is_written_once(build_include, version, source_root, **_):
    fails = []
    with open(os.path.join(build_include, "shellsim_version.h"),
              encoding="utf-8") as f:
        h = f.read()
    s = re.search(r'#define SHELLSIM_VERSION "([^"]*)"', h)
    n = re.search(r"#define SHELLSIM_VERSION_NUMBER (\d+)", h)
    major, minor, patch = map(int, version.split("."))
    if not s or s.group(1) != version:
        fails.append("SHELLSIM_VERSION %s, meson %s" % (s and s.group(1), version))
    if not n or int(n.group(1)) != major * 1000000 + minor * 1000 + patch:
        fails.append("SHELLSIM_VERSION_NUMBER %s for %s" % (n and n.group(1), version))
    # the package's _version.py, loaded alone (the package would load the library)
    path = os.path.join(source_root, "bindings", "python", "shellsim", "_version.py")
    spec = importlib.util.spec_from_file_location("shellsim_version_probe", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if mod.__version__ != version:
        fails.append("Python __version__ %s, meson %s" % (mod.__version__, version))
    if (mod.LIBRARY_MAJOR, mod.LIBRARY_MINOR) != (major, minor):
        fails.append("Python LIBRARY_MAJOR/MINOR %s.%s, meson %s"
                     % (mod.LIBRARY_MAJOR, mod.LIBRARY_MINOR, version))
    # no second copy by hand: no quoted version in a public header or a
    # module of the package, no SHELLSIM_VERSION defined in include/
    literal = re.compile(r"[\"']%s[\"']" % re.escape(version))
    places = [os.path.join(source_root, "include", h)
              for h in os.listdir(os.path.join(source_root, "include"))
              if h.endswith(".h")]
    pkg = os.path.dirname(path)
    places += [os.path.join(pkg, m) for m in os.listdir(pkg) if m.endswith(".py")]
    for p in sorted(places):
        with open(p, encoding="utf-8") as f:
            text = f.read()
        if literal.search(text) or (p.endswith(".h") and re.search(
                r"#\s*define\s+SHELLSIM_VERSION", text)):
            fails.append("%s holds the version by hand"
                         % os.path.relpath(p, source_root))
    return fails


def main():
    keys = ("lib", "soversion", "pkgconfig", "pc_dir", "build_include",
            "version", "source_root")
    args = dict(zip(keys, sys.argv[1:]))
    if len(args) != len(keys):
        print(__doc__, file=sys.stderr)
        return 2
    tests = [exports_only_versioned_shellsim_symbols,
             pkg_config_static_names_each_library_once,
             version_is_written_once]
    print("1..%d" % len(tests))
    bad = 0
    for k, t in enumerate(tests, 1):
        name = t.__name__.replace("_", " ")
        fails = t(**args)
        if fails is None:
            print("ok %d - %s # SKIP no pkg-config" % (k, name))
            continue
        print(("ok" if not fails else "not ok") + " %d - %s" % (k, name))
        for f in fails:
            print("# " + f)
        bad += bool(fails)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
