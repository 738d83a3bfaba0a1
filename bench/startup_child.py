"""A child process for bench/run.py's start-up and memory figures. Not run by hand.

    python bench/startup_child.py OUT.json bare
    python bench/startup_child.py OUT.json chc DB paint     # exit right after the panel is painted
    python bench/startup_child.py OUT.json chc DB settle    # ... and everything has loaded

`bare` is a Textual app that exits right after its first paint. `chc` runs exactly what
the `chc` command runs (chc_tui.cli.main.main with --db), with one hook: when the main screen's
deadline panel ('#deadlines') has rows, it waits for that paint and exits. Both write
wall-clock moments (time.time(), comparable with the parent's) and the peak memory, and
`cpu_at_paint`: the process's CPU time (user + sys, imports included) when the first frame
after that went to the terminal, and `cpu_at_mount` when the main screen's on_mount began
(bench/paint_cpu.py). CHC_BENCH_PROFILE=FILE writes a
cProfile of the same span to FILE.
"""

from __future__ import annotations

import time

MOMENTS: dict[str, float] = {"start": time.time()}

import inspect  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

TIMEOUT_S = 180.0
POLL_S = 0.005


def _vmhwm_kb() -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _memory() -> dict[str, int | None]:
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if sys.platform == "darwin":
        maxrss //= 1024  # bytes there, kB on Linux
    return {"vmhwm_kb": _vmhwm_kb(), "maxrss_kb": maxrss}


def _write(path: str, extra: dict) -> None:
    with open(path, "w") as out:
        json.dump({"moments": MOMENTS, **extra}, out)


def _watchdog(path: str) -> None:
    def expire() -> None:
        _write(path, {"error": f"timed out after {TIMEOUT_S:.0f} s"})
        os._exit(3)

    timer = threading.Timer(TIMEOUT_S, expire)
    timer.daemon = True
    timer.start()


# --- bare Textual ------------------------------------------------------------------------


def run_bare(out: str) -> int:
    from textual.app import App

    MOMENTS["imported"] = time.time()
    memory: dict = {}

    class Bare(App):
        def on_mount(self) -> None:
            MOMENTS["mounted"] = time.time()
            _note_first_frame(self, memory)
            self.call_after_refresh(self._painted)

        def _painted(self) -> None:
            MOMENTS["painted"] = time.time()
            memory.update(_memory())
            self.exit()

    Bare().run()
    MOMENTS["returned"] = time.time()
    _write(out, memory)
    return 0


def _note_first_frame(app, into: dict) -> None:
    """The CPU time (user + sys since the interpreter started) when the app next hands a
    frame to the terminal: the frame a person sees first. A callback after the refresh
    (`painted`) may come a frame later, after work the app does once it has painted."""
    display = app._display

    def first_frame(screen, renderable):
        result = display(screen, renderable)
        if renderable is not None and "cpu_at_paint" not in into:
            MOMENTS["first frame"] = time.time()
            into["cpu_at_paint"] = time.process_time()
            _profile_done()
        return result

    app._display = first_frame


# --- chc ------------------------------------------------------------------------------------


class _AfterImport:
    """Patches a module right after its first import, so the child imports exactly what
    `chc` imports, in the same order."""

    def __init__(self, name: str, patch) -> None:
        self.name, self.patch = name, patch

    def find_spec(self, name, path, target=None):
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find else None
            if spec is not None:
                break
        else:
            return None
        loader, patch = spec.loader, self.patch
        original = loader.exec_module

        def exec_module(module):
            original(module)
            patch(module)

        loader.exec_module = exec_module
        return spec


def _probe(owner, attr: str, label: str) -> None:
    """Record when `owner.attr` is first called and first returns (MOMENTS[label + ' >']
    and [label + ' <']). Internal names change: a missing one is skipped."""
    raw = owner.__dict__.get(attr) if isinstance(owner, type) else getattr(owner, attr, None)
    if raw is None:
        return
    is_classmethod = isinstance(raw, classmethod)
    function = raw.__func__ if is_classmethod else raw
    if not callable(function):
        return

    def probed(*args, **kwargs):
        MOMENTS.setdefault(label + " >", time.time())
        try:
            return function(*args, **kwargs)
        finally:
            MOMENTS.setdefault(label + " <", time.time())

    probed.__wrapped__ = function
    setattr(owner, attr, classmethod(probed) if is_classmethod else probed)


# Where chc's start-up time goes, module by module (printed by bench/run.py as moments).
PROBES = {
    "chc_tui.app": [("ChcApp", "_show_early", "early rows shown"), ("ChcApp", "_services_ready", "services ready")],
    "store.fastread": [(None, "read_open", "early read")],
    "chc_tui.services": [("Services", "open", "Services.open (worker)")],
}


def _install_probes() -> None:
    for module_name, probes in PROBES.items():
        def patch(module, probes=probes, module_name=module_name):
            MOMENTS[f"{module_name} imported"] = time.time()
            for owner_name, attr, label in probes:
                owner = module if owner_name is None else getattr(module, owner_name, None)
                if owner is not None:
                    _probe(owner, attr, label)

        sys.meta_path.insert(0, _AfterImport(module_name, patch))


def run_chc(out: str, db: str, until: str) -> int:
    state: dict = {"done": False, "memory": {}, "panel_rows": 0, "list_rows": 0}
    frame: dict = {}  # the first frame after the panel filled (_note_first_frame)

    def finished(app) -> None:
        MOMENTS["painted"] = time.time()
        state["memory"] = {**_memory(), **frame}
        watch = os.environ.get("CHC_BENCH_MODULES")
        if watch:
            state["loaded_at_paint"] = {name: name in sys.modules for name in watch.split(",")}
        app.exit()

    def check(screen, timer_box) -> None:
        if state["done"]:
            return
        try:
            panel = screen.query_one("#deadlines")
            listing = screen.query_one("#complaints")
        except Exception:
            return
        if panel.row_count == 0:
            return
        app = screen.app
        if until == "settle":
            if getattr(app, "services", None) is None or listing.row_count == 0:
                return
            if not all(worker.is_finished for worker in app.workers):
                return
        state["done"] = True
        MOMENTS["panel_filled"] = time.time()
        _note_first_frame(app, frame)
        state["panel_rows"], state["list_rows"] = panel.row_count, listing.row_count
        if timer_box:
            timer_box[0].stop()
        app.call_after_refresh(finished, app)

    def patch(module) -> None:
        MainScreen = module.MainScreen
        original = MainScreen.on_mount

        def start_polling(self) -> None:
            MOMENTS.setdefault("main_mounted", time.time())
            box: list = []
            box.append(self.set_interval(POLL_S, lambda: check(self, box)))

        # Textual passes the Mount event only to handlers that take it: keep the arity.
        if len(inspect.signature(original).parameters) > 1:

            def on_mount(self, event):
                frame.setdefault("cpu_at_mount", time.process_time())
                result = original(self, event)
                start_polling(self)
                return result

        else:

            def on_mount(self):
                frame.setdefault("cpu_at_mount", time.process_time())
                result = original(self)
                start_polling(self)
                return result

        MainScreen.on_mount = on_mount
        # Also look straight after anything that fills the panel, not only on the timer.
        _probe(MainScreen, "_fill_deadlines", "panel filled")
        for name in ("_fill_deadlines", "show_early", "_show"):
            fill = getattr(MainScreen, name, None)
            if fill is None:
                continue

            def wrapped(self, *args, __fill=fill, **kwargs):
                result = __fill(self, *args, **kwargs)
                check(self, None)
                return result

            setattr(MainScreen, name, wrapped)

    sys.meta_path.insert(0, _AfterImport("screens.main", patch))
    _install_probes()
    from chc_tui.cli.main import main

    MOMENTS["cli_imported"] = time.time()
    rc = main(["--db", db])
    MOMENTS["returned"] = time.time()
    _write(out, {**state["memory"], "rc": rc, "loaded_at_paint": state.get("loaded_at_paint"), "panel_rows": state["panel_rows"], "list_rows": state["list_rows"],
                 "error": None if state["done"] else "the panel never filled"})
    return 0 if state["done"] else 2


def _headless_if_asked() -> None:
    """bench/run.py --headless: every App.run is headless (no terminal output at all)."""
    if os.environ.get("CHC_BENCH_HEADLESS") != "1":
        return

    def patch(module) -> None:  # after textual.app's own import, so the order is chc's
        run = module.App.run

        def headless_run(self, *args, **kwargs):
            kwargs["headless"] = True
            return run(self, *args, **kwargs)

        module.App.run = headless_run

    sys.meta_path.insert(0, _AfterImport("textual.app", patch))


PROFILE = None  # CHC_BENCH_PROFILE=FILE: cProfile from here to the first paint, written to FILE


def _profile_if_asked() -> None:
    global PROFILE
    if os.environ.get("CHC_BENCH_PROFILE"):
        import cProfile

        PROFILE = cProfile.Profile()
        PROFILE.enable()


def _profile_done() -> None:
    global PROFILE
    if PROFILE is not None:
        PROFILE.disable()
        PROFILE.dump_stats(os.environ["CHC_BENCH_PROFILE"])
        PROFILE = None


def main(argv: list[str]) -> int:
    out, kind = argv[0], argv[1]
    _profile_if_asked()
    _watchdog(out)
    _headless_if_asked()
    if kind == "bare":
        return run_bare(out)
    return run_chc(out, argv[2], argv[3] if len(argv) > 3 else "paint")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
