"""What `pip install .` (README's commands, CI's install) puts in place holds every module
of the source tree: a hand-kept package list once left out chc_tui.steps.plans, and the
installed `chc` failed at its first step while the tests, run from the source tree, passed."""

from __future__ import annotations

import json
import sysconfig
from importlib.metadata import distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("chc_tui", "screens", "store")


def _source_modules() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for folder in FOLDERS
        for path in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    }


def test_the_installed_copy_holds_every_module_of_the_source_tree():
    # the venv's own copy: the source tree's chc_tui.egg-info (left by a build) comes first on sys.path
    found = [d for d in distributions(path=[sysconfig.get_paths()["purelib"]]) if d.metadata["Name"] == "chc-tui"]
    if not found:
        pytest.skip("chc-tui is not installed in this environment")
    dist = found[0]
    direct = json.loads(dist.read_text("direct_url.json") or "{}")
    if direct.get("dir_info", {}).get("editable"):
        pytest.skip("an editable install reads the source tree itself")
    installed = {str(f) for f in dist.files or ()}
    missing = sorted(_source_modules() - installed)
    assert not missing, f"not installed by `pip install .`: {missing[:10]}"
    for name in missing or sorted(_source_modules())[:1]:
        assert Path(str(dist.locate_file(name))).is_file()


def test_the_packages_are_found_not_listed():
    import tomllib

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "packages" not in setuptools or "find" in setuptools["packages"]
    assert set(setuptools["packages"]["find"]["include"]) == {f"{folder}*" for folder in FOLDERS}
