"""Demos made ahead, so `chc --demo` and `chc demo --db FILE` show one in a blink (issue 22).

A demo is dated from the day it is built: its due dates are working days counted from that
day across that year's bank holidays and closure days, and its letters quote its dates. So
a demo is never re-dated. Instead each is built, through the same use-cases, for the day it
will be shown: after a demo is shown at a terminal, the next few days' are built in the
background at low priority, into the user's cache folder, under names that say the day,
the size, the seed and the release they were built by (the code, the schema and the bank
holidays). Showing one is then a copy of a file. A demo built today is kept there too, so
the next `chc demo --db` of the day is a copy. Light at import: the fast path must not
load the ORM.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from chc_tui.demo.demo_file import demo_built_on, put_demo_in_place, remove_database

AHEAD_DAYS = 4  # tomorrow and the three days after: Friday's demo prepares Monday's
SEED = 2024  # chc_tui.demo.build.DEFAULT_SEED (a test checks they agree)
# Set to 0 to never build demos in the background (a shared login, a slow machine).
AHEAD_SWITCH = "CHC_DEMO_AHEAD"


def folder() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("chc-tui", appauthor=False)) / "demos"


def _package_root() -> Path:
    return Path(__file__).resolve().parents[2]


def release() -> str:
    """What a demo's content depends on besides its day: this code (every module and letter
    template of chc_tui and store, so a change made in a checkout counts too) and the
    `holidays` release that says which days are bank holidays."""
    from chc_tui.rules.holiday_cache import _holidays_version

    digest = hashlib.sha256(_holidays_version().encode())
    root = _package_root()
    for package in ("chc_tui", "store"):
        for folder, subfolders, names in os.walk(root / package):  # os.walk: half pathlib's rglob time
            subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
            for name in sorted(names):
                if name.endswith((".py", ".j2", ".txt", ".json")):
                    info = os.stat(os.path.join(folder, name))
                    where = os.path.relpath(os.path.join(folder, name), root)
                    digest.update(f"{where}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def prepared_path(day: date, count: int, seed: int = SEED, made_by: str | None = None) -> Path:
    return folder() / f"demo-{day.isoformat()}-{count}-{seed}-{made_by or release()}.db"


def _landlords_templates(path: Path) -> bool:
    """A `letters/` folder beside the target: the demo's letters are drafted with the
    templates there (chc_tui.documents.letters.templates_dir), so it is built in place."""
    return (Path(path).parent / "letters").is_dir()


def take(path: Path, day: date, count: int, *, is_default: bool, made_by: str | None = None) -> bool:
    """Put the demo prepared for `day` at `path`, under the same rule as a build (a file the
    demo did not make is refused, DemoRefused); False, touching nothing, when there is none."""
    source = prepared_path(day, count, made_by=made_by)
    if _landlords_templates(path) or demo_built_on(source) != day:
        return False

    def copy(building: Path) -> None:
        from store.sharing import create_file

        create_file(building)  # the modes a built demo gets
        shutil.copyfile(source, building)

    put_demo_in_place(path, copy, is_default=is_default)
    return True


def keep(path: Path, day: date, count: int, made_by: str | None = None) -> None:
    """Keep a demo just built at `path` as the one prepared for `day` (errors ignored: the
    cache only saves time)."""
    if _landlords_templates(path) or demo_built_on(path) != day:
        return
    try:
        prune(day)  # a script's daily `chc demo` never starts the background build that prunes
        target = prepared_path(day, count, made_by=made_by)
        target.parent.mkdir(parents=True, exist_ok=True)
        put_demo_in_place(target, lambda building: shutil.copyfile(path, building), is_default=False)
    except OSError:
        pass


def days_ahead(today: date) -> list[date]:
    return [today + timedelta(days=n) for n in range(1, AHEAD_DAYS + 1)]


def prepare_ahead(today: date, count: int, made_by: str | None = None) -> bool:
    """Start building the next days' demos in the background, when a person is at the
    terminal (never for a script, a test or a pipeline) and some are missing. True if started."""
    if os.environ.get(AHEAD_SWITCH, "1") == "0" or sys.stdin is None or not sys.stdin.isatty():
        return False
    made_by = made_by or release()  # `made_by`: the caller's, counted once (a walk of the code's files)
    missing = [day for day in days_ahead(today) if not prepared_path(day, count, made_by=made_by).exists()]
    if not missing:
        return False
    folder().mkdir(parents=True, exist_ok=True)
    subprocess.Popen(
        [sys.executable, "-m", "chc_tui.demo.prepared", str(count), *(day.isoformat() for day in missing)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # not stopped by the terminal's Ctrl+C, nor waited for
        cwd=folder(),  # `-m` looks in the working folder first: never another copy of chc found there
    )
    return True


def prepare(days: list[date], count: int) -> list[Path]:
    """Build the demo for each of `days` not yet prepared (what the background process does)."""
    from chc_tui.demo.build import build_demo_database

    made_by = release()
    built = []
    for day in days:
        target = prepared_path(day, count, made_by=made_by)
        if demo_built_on(target) == day:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        build_demo_database(target, count=count, today=day, seed=SEED)
        built.append(target)
    return built


def prune(today: date) -> list[Path]:
    """Remove prepared demos for days gone by or built by another release."""
    made_by = release()
    removed = []
    for path in folder().glob("demo-*.db"):
        try:
            day = date.fromisoformat(path.name[5:15])
        except ValueError:
            day = None
        if day is None or day < today or not path.stem.endswith(f"-{made_by}"):
            remove_database(path)
            removed.append(path)
    return removed


def _main(argv: list[str]) -> int:
    """python -m chc_tui.demo.prepared COUNT DAY...: the background build (prepare_ahead)."""
    import logging

    from chc_tui.log import setup_logging

    try:
        os.nice(19)  # after the handler's own work, always
    except (AttributeError, OSError):
        pass
    setup_logging()
    count, days = int(argv[0]), [date.fromisoformat(text) for text in argv[1:]]
    folder().mkdir(parents=True, exist_ok=True)
    try:
        import fcntl

        lock = open(folder() / ".preparing.lock", "w")
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # one background build at a time
    except BlockingIOError:
        return 0
    except ImportError:  # no flock (Windows): two builds of a day write the same file
        pass
    try:
        prune(date.today())
        prepare(days, count)
    except Exception:
        logging.getLogger("chc_tui.demo").exception("preparing the demos ahead failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
