"""python3 -m shellsim (and the console script shellsim-py) is the CLI's
twin: it replaces itself with the shellsim executable (os.execv), so the
output, the exit status, standard input and the process are the CLI's; it
finds the executable through SHELLSIM_CLI, the checkout's build tree, the
library's prefix and PATH, and says where it looked when there is none."""

import os
import stat
import subprocess
import sys

import pytest

from conftest import PACKAGE_ROOT, cli_path

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None


def _env(**extra):
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
    env.update(extra)
    return env


def _py_m(args, env, **kw):
    return subprocess.run([sys.executable, "-m", "shellsim", *args], env=env,
                          capture_output=True, timeout=120, **kw)


@pytest.fixture()
def fake_cli(tmp_path):
    """A stand-in CLI: prints its pid, its arguments one a line and its
    standard input, and exits with status 7."""
    p = tmp_path / "bin" / "shellsim"
    p.parent.mkdir()
    p.write_text('#!/bin/sh\necho "pid $$"\nfor a in "$@"; do echo "arg $a";'
                 ' done\ncat\nexit 7\n')
    p.chmod(p.stat().st_mode | stat.S_IXUSR)
    return str(p)


def test_run_json_is_exactly_the_clis(scenario_files):
    exe = cli_path()
    if exe is None:
        pytest.skip("no shellsim CLI (set SHELLSIM_CLI or build the repo)")
    args = ["run", scenario_files["najin-dunay"], "--reps", "300", "--seed",
            "5", "--json"]
    want = subprocess.run([exe, *args], capture_output=True, timeout=120)
    got = _py_m(args, _env(SHELLSIM_CLI=exe))
    assert want.returncode == 0 and got.returncode == 0
    assert got.stdout == want.stdout and got.stderr == want.stderr


def test_errors_and_exit_status_are_the_clis():
    exe = cli_path()
    if exe is None:
        pytest.skip("no shellsim CLI (set SHELLSIM_CLI or build the repo)")
    args = ["run", "/nonexistent/scenario.ini"]
    want = subprocess.run([exe, *args], capture_output=True, timeout=60)
    got = _py_m(args, _env(SHELLSIM_CLI=exe))
    assert want.returncode != 0
    assert (got.returncode, got.stdout, got.stderr) == (
        want.returncode, want.stdout, want.stderr)


def test_the_cli_replaces_the_python_process(fake_cli):
    # the same pid: exec, not a child; arguments as given; stdin passed on
    p = subprocess.Popen([sys.executable, "-m", "shellsim", "run", "a b",
                          "--json", ""], env=_env(SHELLSIM_CLI=fake_cli),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    out, err = p.communicate(b"from stdin\n", timeout=60)
    assert p.returncode == 7, err
    assert out.decode().splitlines() == ["pid %d" % p.pid, "arg run",
                                         "arg a b", "arg --json", "arg ",
                                         "from stdin"]


def test_shellsim_cli_is_the_only_place_looked_at_when_set(fake_cli):
    p = _py_m(["--version"], _env(SHELLSIM_CLI=fake_cli + ".missing"))
    assert p.returncode == 127
    msg = p.stderr.decode()
    assert "cannot find the shellsim command line program" in msg
    assert fake_cli + ".missing" in msg and "PATH" not in msg


def test_without_a_cli_the_error_says_where_it_looked(tmp_path):
    # a copy of the package outside any checkout, no library, empty PATH
    from conftest import install_copy
    site = tmp_path / "site"
    install_copy(site)
    env = dict(os.environ, PYTHONPATH=str(site), PATH=str(tmp_path),
               SHELLSIM_LIBRARY=str(tmp_path / "lib" / "libshellsim.so"))
    env.pop("SHELLSIM_CLI", None)
    p = subprocess.run([sys.executable, "-m", "shellsim", "--version"],
                       env=env, cwd=str(tmp_path), capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 127
    assert os.path.join(str(tmp_path), "bin", "shellsim") in p.stderr
    assert "on PATH" in p.stderr and "SHELLSIM_CLI" in p.stderr


def test_the_cli_beside_the_librarys_prefix_is_found(tmp_path, fake_cli):
    # SHELLSIM_LIBRARY=P/lib/libshellsim.so -> P/bin/shellsim
    prefix = os.path.dirname(os.path.dirname(fake_cli))
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT, PATH="/nonexistent",
               SHELLSIM_LIBRARY=os.path.join(prefix, "lib",
                                             "libshellsim.so"))
    env.pop("SHELLSIM_CLI", None)
    from conftest import install_copy
    site = tmp_path / "site"
    install_copy(site)        # outside the checkout: no build tree there
    env["PYTHONPATH"] = str(site)
    p = subprocess.run([sys.executable, "-m", "shellsim", "x"], env=env,
                       input=b"", capture_output=True, timeout=60)
    assert p.returncode == 7 and b"arg x" in p.stdout, p.stderr


def test_in_a_checkout_the_build_trees_cli_is_found():
    from conftest import REPO
    exe = os.path.join(REPO, "build", "cli", "shellsim")
    if not os.path.exists(exe):
        pytest.skip("no build/ in this checkout")
    env = _env()
    env.pop("SHELLSIM_CLI", None)
    p = _py_m(["--version"], env)
    want = subprocess.run([exe, "--version"], capture_output=True)
    assert p.returncode == 0 and p.stdout == want.stdout


@pytest.mark.skipif(tomllib is None, reason="tomllib needs Python 3.11")
def test_the_console_script_shellsim_py_is_main():
    with open(os.path.join(PACKAGE_ROOT, "pyproject.toml"), "rb") as f:
        scripts = tomllib.load(f)["project"]["scripts"]
    assert scripts == {"shellsim-py": "shellsim.__main__:main"}
    import shellsim.__main__ as m
    assert callable(m.main)
