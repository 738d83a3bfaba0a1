"""Real OS users for the tests of shared use (README, "Several handlers on one server").

Creating users and groups needs root; CI runs as root. Elsewhere these tests are skipped.
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or not all(shutil.which(t) for t in ("groupadd", "useradd", "usermod")),
    reason="needs root with groupadd/useradd/usermod to create the OS users and group of README's shared set-up "
    "(CI runs the tests as root)",
)


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True)


@contextmanager
def traversable(paths):
    """Let other users reach the interpreter and the checkout. /root is 0700 and the
    venv's python points into /root/.pyenv: each folder above them that lacks it gets
    o+x (pass through only, not list or read), and its mode is put back afterwards."""
    changed: dict[Path, int] = {}
    try:
        for path in paths:
            for folder in [Path(path), *Path(path).parents]:
                if folder in changed or not folder.is_dir():
                    continue
                mode = stat.S_IMODE(folder.stat().st_mode)
                if not mode & stat.S_IXOTH:
                    changed[folder] = mode
                    os.chmod(folder, mode | stat.S_IXOTH)
        yield
    finally:
        for folder, mode in changed.items():
            os.chmod(folder, mode)


def interpreter_paths() -> list[Path]:
    return [Path(sys.executable).resolve().parent, Path(sys.executable).parent, Path(sys.prefix),
            Path(sys.base_prefix).resolve(), ROOT]


class OSUser:
    def __init__(self, name: str, home: Path) -> None:
        self.name = name
        self.home = home
        entry = pwd.getpwnam(name)
        self.uid, self.gid = entry.pw_uid, entry.pw_gid

    def env(self, **extra: str) -> dict[str, str]:
        # A login's environment: nothing of the test runner's (its XDG folders are root's).
        env = {"HOME": str(self.home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
        env.update(extra)
        return env

    def popen(self, command: list[str], groups: list[int], **extra_env) -> subprocess.Popen:
        return subprocess.Popen(command, user=self.uid, group=self.gid, extra_groups=groups, env=self.env(**extra_env),
                                cwd=self.home, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    def run(self, command: list[str], groups: list[int], **extra_env) -> subprocess.CompletedProcess:
        return subprocess.run(command, user=self.uid, group=self.gid, extra_groups=groups, env=self.env(**extra_env),
                              cwd=self.home, capture_output=True, text=True, timeout=300)


@contextmanager
def users_in_a_group(base: Path, *names: str):
    """A fresh group and one user per name (each with their own primary group, as on
    Debian), each a member of the group; removed afterwards. Yields (group name, gid, users)."""
    tag = secrets.token_hex(3)
    group = f"chc{tag}"
    made: list[str] = []
    try:
        run("groupadd", group)
        users = []
        for name in names:
            login = f"{name[:8]}{tag}"
            run("useradd", "-M", "-U", "-s", "/usr/sbin/nologin", login)
            made.append(login)
            run("usermod", "-aG", group, login)
            home = base / f"home-{name}"
            home.mkdir(mode=0o700)
            os.chown(home, pwd.getpwnam(login).pw_uid, pwd.getpwnam(login).pw_gid)
            users.append(OSUser(login, home))
        yield group, grp.getgrnam(group).gr_gid, users
    finally:
        for login in made:
            subprocess.run(["userdel", login], capture_output=True)
        subprocess.run(["groupdel", group], capture_output=True)
