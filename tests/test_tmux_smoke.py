"""Smoke test of the installed `chc` in a real terminal: tmux at 80x24, real keys.

It starts `chc --demo` (so the demo build, the CLI, the terminal driver and the app all
run as a handler would run them), logs, defines and acknowledges a complaint, goes back
and quits, then checks that the process exited with status 0 and what it stored.

The app runs in its own tmux server (a private socket, no user config) with CHC_DB and
XDG_DATA_HOME inside tmp_path, so neither the user's tmux nor their data is touched.
Every wait polls the screen; nothing sleeps a fixed time.

Keys are sent one step at a time, each after the screen shows the previous one took
effect. In Textual, Tab is a screen binding reached only after the key has bubbled up from
the focused field, so a character sent right behind a Tab can still land in the field
being left (the same happens to a fast typist on a laggy SSH link). The test therefore
waits, after every Tab, until the highlighted field has moved: the focused field's top
border is drawn in a colour no other field's has, which `capture-pane -e` shows.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")

WIDTH, HEIGHT = 80, 24
START_TIMEOUT = 180  # the demo build (200 complaints) comes first: slow on a loaded 2-core CI
STEP_TIMEOUT = 60
MAX_TABS = 12
RESIDENT = "Mrs Joan Pike"

SGR = re.compile(r"\x1b\[([0-9;]*)m")
TOP_BORDER = "\u2594"  # ▔: the top edge of a field's tall border (Input, Select, TextArea)


def installed_chc() -> str:
    """The `chc` console script of this environment (next to the interpreter first)."""
    beside = Path(sys.executable).parent / "chc"
    if beside.exists():
        return str(beside)
    found = shutil.which("chc")
    assert found, f"the chc command is not installed (looked in {beside.parent} and on PATH)"
    return found


def d(value: date) -> str:
    return f"{value:%a %d/%m/%Y}"  # how the complaint screen writes a date


def _style_at(line: str, char: str) -> tuple | None:
    """The SGR state (fg, bg, reverse) in force where `char` first appears in `line`."""
    fg = bg = None
    reverse = False
    position = 0
    for match in SGR.finditer(line + "\x1b[m"):
        if char in line[position:match.start()]:
            return fg, bg, reverse
        params = match.group(1).split(";") if match.group(1) else ["0"]
        i = 0
        while i < len(params):
            p = params[i] or "0"
            if p == "0":
                fg = bg = None
                reverse = False
            elif p in ("38", "48"):
                size = 3 if params[i + 1:i + 2] == ["5"] else 5
                value = tuple(params[i + 1:i + size])
                fg, bg = (value, bg) if p == "38" else (fg, value)
                i += size - 1
            elif p == "39":
                fg = None
            elif p == "49":
                bg = None
            elif p == "7":
                reverse = True
            elif p == "27":
                reverse = False
            elif p.isdigit() and (30 <= int(p) <= 37 or 90 <= int(p) <= 97):
                fg = (p,)
            elif p.isdigit() and (40 <= int(p) <= 47 or 100 <= int(p) <= 107):
                bg = (p,)
            i += 1
        position = match.end()
    return None


def focused_label(styled_screen: str) -> str | None:
    """The label above the one field whose top border is styled unlike all the others.

    None while no field, or more than one, stands out (for instance before the form has
    focused its first field). A form with a single field shows no contrast: wait for its
    label instead."""
    plain = [SGR.sub("", line) for line in styled_screen.splitlines()]
    tops = [
        (i, _style_at(line, TOP_BORDER))
        for i, line in enumerate(styled_screen.splitlines())
        if TOP_BORDER * 3 in plain[i]
    ]
    styles = [style for _, style in tops]
    unique = [i for i, style in tops if styles.count(style) == 1]
    if len(tops) < 2 or len(unique) != 1 or unique[0] == 0:
        return None
    label = plain[unique[0] - 1]
    # inside the form's box: the text between its left and right edges
    inner = re.search(r"\u2588(.*)\u2588", label)
    # less any scrollbar thumb drawn beside it (block elements)
    return re.sub(r"[\u2580-\u259f]", "", inner.group(1) if inner else label).strip()


class Pane:
    """One tmux session on a private server, with a single pane running a command."""

    def __init__(self, tmp_path: Path) -> None:
        tag = uuid.uuid4().hex[:10]
        self.socket = f"chc-smoke-{os.getpid()}-{tag}"
        self.session = f"chc-{tag}"
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        self.env.update(
            CHC_DB=str(tmp_path / "data" / "complaints.db"),
            XDG_DATA_HOME=str(tmp_path / "data"),
            LANG="C.UTF-8",
            LC_ALL="C.UTF-8",
        )

    def tmux(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            [TMUX, "-L", self.socket, "-f", os.devnull, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, *command: str) -> None:
        # The exit status goes to a file: tmux 3.3 sometimes marks a pane dead without
        # ever learning its command's status.
        self.status_file = Path(self.env["XDG_DATA_HOME"]).parent / "chc-exit-status"
        self.status_file.unlink(missing_ok=True)
        script = f'"$@"; echo $? > {shlex.quote(str(self.status_file))}'
        self.tmux(
            "new-session", "-d", "-s", self.session, "-x", str(WIDTH), "-y", str(HEIGHT),
            "env", f"CHC_DB={self.env['CHC_DB']}", f"XDG_DATA_HOME={self.env['XDG_DATA_HOME']}",
            # no demos built ahead in the background: they would outlive the test
            "CHC_DEMO_AHEAD=0",
            "sh", "-c", script, "chc", *command,
            # Keep the pane after the command ends, to read the screen it left.
            ";", "set-option", "-w", "-t", self.session, "remain-on-exit", "on",
        )

    def capture(self, styled: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-e"] if styled else []), "-t", self.session)

    def keys(self, *keys: str) -> None:
        """Named keys (Tab, C-s, Escape, Enter, or a single character)."""
        for key in keys:
            self.tmux("send-keys", "-t", self.session, key)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def wait_for(self, what: str, condition, timeout: float = STEP_TIMEOUT, styled: bool = False) -> str:
        """Poll the screen until condition(text) is true; returns that screen's text."""
        deadline = time.monotonic() + timeout
        while True:
            if self.dead():
                raise AssertionError(f"chc exited while waiting for {what}; last screen:\n{self.capture()}")
            screen = self.capture(styled)
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}; screen:\n{self.capture()}")
            time.sleep(0.1)

    def wait_text(self, text: str, timeout: float = STEP_TIMEOUT) -> str:
        return self.wait_for(repr(text), lambda screen: text in screen, timeout)

    def focused(self) -> str:
        """Wait until exactly one field shows the focus; its label."""
        screen = self.wait_for("a focused field", lambda s: focused_label(s) is not None, styled=True)
        return focused_label(screen)

    def wait_focus(self, label: str) -> None:
        self.wait_for(f"the focus on {label!r}", lambda s: focused_label(s) == label, styled=True)

    def tab_to(self, label: str) -> None:
        """Tab, one field at a time, until the field under `label` has the focus."""
        for _ in range(MAX_TABS):
            now = self.focused()
            if now == label:
                return
            self.keys("Tab")
            self.wait_for(f"Tab to move on from {now!r}", lambda s: focused_label(s) not in (None, now), styled=True)
        raise AssertionError(f"{label!r} not reached in {MAX_TABS} Tabs; screen:\n{self.capture()}")

    def dead(self) -> bool:
        return self.tmux("display-message", "-p", "-t", self.session, "#{pane_dead}").strip() == "1"

    def exit_status(self, timeout: float = STEP_TIMEOUT) -> int:
        """The command's exit status once it has ended (written by the wrapping shell)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                text = self.status_file.read_text().strip()
                if text:
                    return int(text)
            except FileNotFoundError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"chc did not exit within {timeout}s; screen:\n{self.capture()}")
            time.sleep(0.1)

    def kill(self) -> None:
        """End the session and this test's private server, and remove its socket."""
        socket_path = self.tmux("display-message", "-p", "#{socket_path}", check=False).strip()
        self.tmux("kill-session", "-t", self.session, check=False)
        self.tmux("kill-server", check=False)
        if socket_path:
            Path(socket_path).unlink(missing_ok=True)


def test_log_define_acknowledge_and_quit_in_tmux(tmp_path):
    chc = installed_chc()
    first_day = date.today()
    pane = Pane(tmp_path)
    try:
        pane.start(chc, "--demo")
        pane.wait_for(
            "the main screen",
            lambda s: "Deadlines" in s and "stage:all" in s,
            timeout=START_TIMEOUT,
        )

        # n: log a complaint (received today, by phone: the form's defaults)
        pane.keys("n")
        pane.wait_text("Log a new complaint")
        pane.wait_focus("Received on")
        pane.tab_to("Resident's name")
        pane.type(RESIDENT)
        pane.tab_to("Category")
        pane.type("Repairs")
        pane.tab_to("In the resident's own words")
        pane.type("Water coming through the bedroom ceiling for three weeks")
        pane.keys("C-s")
        screen = pane.wait_for(
            "the new complaint's screen",
            lambda s: "No definition yet" in s and re.search(rf"C\d{{4}}-\d{{4}}\s+{RESIDENT}", s),
        )
        reference = re.search(rf"(C\d{{4}}-\d{{4}})\s+{RESIDENT}", screen).group(1)

        # f: define it
        pane.keys("f")
        pane.wait_text(f"Define {reference}")
        pane.wait_focus("Our understanding of the complaint")
        pane.type("A leak from the roof into the bedroom, not yet repaired")
        pane.tab_to("Outcomes the resident seeks")
        pane.type("The leak fixed and the ceiling made good")
        pane.tab_to("Aspects we are responsible for")
        pane.type("Roof repairs")
        pane.keys("C-s")
        pane.wait_for(
            "the definition on the complaint screen",
            lambda s: "Understanding" in s and "No definition yet" not in s and f"Define {reference}" not in s,
        )

        # a: acknowledge today (the form's default), Ctrl+S
        pane.keys("a")
        pane.wait_text(f"Acknowledge {reference}")
        pane.wait_text("Acknowledged on")  # its one field (a lone field shows no focus contrast)
        pane.keys("C-s")  # a binding of the form itself: needs no field focused
        # the acknowledgement letter, drafted, before anything is written: Ctrl+S sends it
        pane.wait_for("the acknowledgement letter", lambda s: f"Our reference: {reference}" in s and "Send" in s)
        pane.keys("C-s")
        days = {d(first_day), d(date.today())}  # the test may straddle midnight
        pane.wait_for(
            "'Acknowledged' with today's date",
            lambda s: f"Acknowledge {reference}" not in s
            and any(re.search(rf"Acknowledged\s+{re.escape(day)}", s) for day in days),
        )

        # Escape back to the list, q to quit
        pane.keys("Escape")
        pane.wait_for("the main screen again", lambda s: "Deadlines" in s and "stage:all" in s)
        pane.keys("q")
        status = pane.exit_status()
        after = pane.capture()
        assert status == 0, f"chc exited with status {status}; screen:\n{after}"
        assert "Traceback" not in after, after
    finally:
        pane.kill()

    # What the journey stored, in the demo database under XDG_DATA_HOME (and nowhere else).
    demo = tmp_path / "data" / "chc-tui" / "demo.db"
    assert demo.exists()
    assert not (tmp_path / "data" / "complaints.db").exists()
    with closing(sqlite3.connect(demo)) as conn:
        row = conn.execute(
            "SELECT c.status, c.category, c.resident_words, s.acknowledged_on, s.handler"
            " FROM complaint c JOIN resident r ON r.id = c.resident_id"
            " JOIN stage_record s ON s.complaint_id = c.id AND s.stage = 1"
            " WHERE c.reference = ? AND r.name = ?",
            (reference, RESIDENT),
        ).fetchone()
        definitions = conn.execute(
            "SELECT understanding, outcomes_sought, responsible_aspects FROM definition d"
            " JOIN stage_record s ON s.id = d.stage_id JOIN complaint c ON c.id = s.complaint_id"
            " WHERE c.reference = ?",
            (reference,),
        ).fetchall()
    assert row is not None, f"{reference} for {RESIDENT} was not stored"
    status, category, words, acknowledged_on, handler = row
    assert (status, category) == ("open", "Repairs")
    assert words == "Water coming through the bedroom ceiling for three weeks"
    assert acknowledged_on in {first_day.isoformat(), date.today().isoformat()}
    assert handler  # the OS user the app runs as
    assert definitions == [
        ("A leak from the roof into the bedroom, not yet repaired", "The leak fixed and the ceiling made good", "Roof repairs")
    ]
