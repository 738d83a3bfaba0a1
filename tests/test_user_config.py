"""A person's own settings (issue 17, item 7): the file, the theme remembered, the keymap,
the first view, the database it names; the key bar that keeps F1 and q at any width;
`python -m chc_tui` and the shell's tab completion."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

from chc_tui import user_config
from chc_tui.app import build_app, known_binding_ids
from chc_tui.services import Services
from chc_tui.steps import usecases
from chc_tui.user_config import ConfigProblem, UserConfig, load, save_theme, without_unknown
from screens.complaint import ComplaintScreen
from screens.forms import StepForm
from screens.keybar import KeyBar, KeyLabel, fit
from screens.main import MainScreen
from test_tui_journeys import settle, wait_for

TODAY = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """The settings folder, through CHC_CONFIG_DIR (not created: chc makes it)."""
    path = tmp_path / "settings"
    monkeypatch.setenv("CHC_CONFIG_DIR", str(path))
    return path


def write(folder: Path, text: str, mode: int = 0o600) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


@pytest.fixture
def services(db):
    return Services(db, actor="alice", today_fn=lambda: TODAY)


async def started(pilot) -> None:
    await wait_for(pilot, lambda: pilot.app.services is not None and isinstance(pilot.app.screen, MainScreen),
                   "the main screen")
    await settle(pilot)


def first_choice(app) -> str | None:
    choices = app.screen.query_one("CommandList")
    return str(choices.get_option_at_index(0).prompt).strip() if choices.option_count else None


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


# --- reading the file --------------------------------------------------------------------


def test_no_file_is_the_defaults_and_nothing_to_tell(folder):
    loaded = load()
    assert loaded.config == UserConfig()
    assert loaded.path == folder / "config.toml"
    assert loaded.notice() is None
    assert not folder.exists()  # reading never creates the folder


def test_every_setting_is_read(folder):
    write(folder, '''
        theme = "nord"
        default_view = "mine"
        database = "~/chc/complaints.db"

        [keymap]
        "main.log" = "ctrl+n"
        complaint.respond = "f7, r"   # an id without quotes is a dotted key in TOML
    ''')
    loaded = load()
    assert loaded.ignored == ()
    assert loaded.config == UserConfig(
        theme="nord", default_view="mine", database="~/chc/complaints.db",
        keymap={"main.log": "ctrl+n", "complaint.respond": "f7,r"},
    )


def test_a_file_that_is_not_toml_is_ignored_whole_and_named(folder):
    path = write(folder, 'theme = "nord\n')
    loaded = load()
    assert loaded.config == UserConfig()
    notice = loaded.notice()
    assert str(path) in notice and "not valid TOML" in notice and "defaults" in notice


def test_a_file_that_is_not_text_is_ignored_whole(folder):
    path = write(folder, "")
    path.write_bytes(b'theme = "\xff"\n')
    loaded = load()
    assert loaded.config == UserConfig()
    assert "not UTF-8" in loaded.notice()


def test_an_unreadable_file_is_ignored(folder, tmp_path):
    folder.mkdir()
    (folder / "config.toml").mkdir()  # a folder where the file should be
    loaded = load()
    assert loaded.config == UserConfig()
    assert "the whole file" in loaded.notice()


def test_wrong_types_are_ignored_one_by_one_and_the_rest_is_kept(folder):
    write(folder, '''
        theme = 3
        default_view = "everyone"
        database = ""
        colour = "red"
        [keymap]
        "main.log" = "ctrl+n"
        "main.search" = 5
        "main.overdue" = "o,,"
    ''')
    loaded = load()
    assert loaded.config == UserConfig(keymap={"main.log": "ctrl+n"})
    said = " / ".join(loaded.ignored)
    for what in ("theme", "default_view 'everyone'", "database", "'colour'", "'main.search'", "'main.overdue'"):
        assert what in said
    assert len(loaded.ignored) == 6


def test_a_keymap_that_is_not_a_table_is_ignored(folder):
    write(folder, 'keymap = "ctrl+n"\n')
    loaded = load()
    assert loaded.config.keymap == {}
    assert loaded.ignored == ("keymap (it must be a table: [keymap])",)


def test_an_unknown_theme_and_binding_id_are_named(folder):
    write(folder, 'theme = "no-such-theme"\n[keymap]\n"main.log" = "ctrl+n"\n"main.nothing" = "x"\n')
    checked = without_unknown(load(), themes={"nord"}, binding_ids={"main.log"})
    assert checked.config == UserConfig(keymap={"main.log": "ctrl+n"})
    assert "'no-such-theme'" in checked.notice() and "'main.nothing'" in checked.notice()


def test_a_file_anyone_may_write_is_refused(folder):
    path = write(folder, 'theme = "nord"\n', mode=0o666)
    os.chmod(path, 0o666)
    loaded = load()
    assert loaded.config == UserConfig()
    assert "changed by anyone" in loaded.notice()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_file_owned_by_another_user_is_refused(folder):
    path = write(folder, 'theme = "nord"\ndatabase = "/tmp/theirs.db"\n')
    os.chown(path, 54321, -1)
    loaded = load()
    assert loaded.config == UserConfig()
    assert "another user (uid 54321)" in loaded.notice()
    with pytest.raises(ConfigProblem, match="another user"):
        save_theme("gruvbox")
    assert tomllib.loads(path.read_text())["theme"] == "nord"  # not taken over


# --- writing it --------------------------------------------------------------------------


def test_the_first_theme_makes_a_private_file_in_a_private_folder(folder):
    path = save_theme("nord")
    assert path == folder / "config.toml"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load().config.theme == "nord"
    assert os.listdir(folder) == ["config.toml"]  # no temporary file left


def test_saving_the_theme_keeps_the_rest_of_the_file_and_its_comments(folder):
    path = write(folder, '# my settings\ntheme = "nord"  # dark\ndefault_view = "mine"\n\n[keymap]\n"main.log" = "ctrl+n"\n')
    save_theme("gruvbox")
    text = path.read_text()
    assert "# my settings" in text and '"main.log" = "ctrl+n"' in text
    assert load().config == UserConfig(theme="gruvbox", default_view="mine", keymap={"main.log": "ctrl+n"})


def test_a_theme_is_added_above_the_tables(folder):
    write(folder, '[keymap]\n"main.log" = "ctrl+n"\n')
    save_theme("nord")
    assert load().config == UserConfig(theme="nord", keymap={"main.log": "ctrl+n"})


def test_a_theme_line_that_cannot_be_edited_in_place_is_rewritten_with_the_same_values(folder):
    write(folder, 'theme = """nord"""\n[keymap]\nmain.log = "ctrl+n"\n"a \\"b\\"" = "x"\n')
    save_theme("gruvbox")
    assert tomllib.loads((folder / "config.toml").read_text()) == {
        "theme": "gruvbox", "keymap": {"main": {"log": "ctrl+n"}, 'a "b"': "x"},
    }


def test_a_broken_file_is_not_overwritten(folder):
    path = write(folder, 'theme = "nord\n# a note I typed\n')
    with pytest.raises(ConfigProblem, match="not valid TOML"):
        save_theme("gruvbox")
    assert path.read_text() == 'theme = "nord\n# a note I typed\n'


def test_a_failed_write_leaves_the_old_file_whole(folder, monkeypatch):
    path = write(folder, 'theme = "nord"\n')

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(user_config.os, "replace", disk_full)
    with pytest.raises(OSError):
        save_theme("gruvbox")
    assert path.read_text() == 'theme = "nord"\n'
    assert os.listdir(folder) == ["config.toml"]


@pytest.mark.parametrize("text", ['plain', 'with "quotes" and \\ back', 'tab\tnew\nline\x7f\x01', "émoji 😀"])
def test_any_text_is_written_as_toml_that_reads_back_the_same(text):
    assert tomllib.loads(user_config._dump({"theme": text, "keymap": {"a.b": text}})) == {
        "theme": text, "keymap": {"a.b": text},
    }


# --- the database it names ---------------------------------------------------------------


def test_the_database_setting_comes_after_db_and_chc_db(folder, db, tmp_path, monkeypatch, capsys):
    from chc_tui.cli.main import main

    write(folder, f'database = "{db.path}"\n')
    assert main(["deadlines"]) == 0  # the configured database: it is there
    assert capsys.readouterr().out == "No open deadlines.\n"
    missing = tmp_path / "missing.db"
    monkeypatch.setenv("CHC_DB", str(missing))
    assert main(["deadlines"]) == 2  # CHC_DB wins over the file
    assert str(missing) in capsys.readouterr().err
    monkeypatch.delenv("CHC_DB")
    assert main(["--db", str(missing), "deadlines"]) == 2  # --db wins over the file
    assert str(missing) in capsys.readouterr().err


def test_a_broken_file_is_told_on_the_command_line_and_the_default_used(folder, capsys):
    from chc_tui.cli.main import main

    path = write(folder, "database = 5\n")
    assert main(["calendar", "between", "2026-11-20", "2026-11-23"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "1\n"
    assert str(path) in captured.err and "database" in captured.err


# --- in the app --------------------------------------------------------------------------


async def test_the_chosen_theme_is_used_at_the_next_start(services, folder):
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        assert app.theme != "nord"
        app.action_change_theme()  # what Ctrl+P, "Change theme" does
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette", "the theme picker")
        await pilot.press(*"nord")
        await wait_for(pilot, lambda: first_choice(app) == "nord", "nord to be offered first")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (folder / "config.toml").exists(), "the theme to be saved")
    assert load().config.theme == "nord"
    again = build_app(services)
    async with again.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        assert again.current_theme.name == "nord"
        assert not notices(again)


async def test_bad_settings_start_the_app_with_the_defaults_and_say_so_once(services, folder):
    path = write(folder, 'theme = "no-such-theme"\ndefault_view = 7\n[keymap]\n"main.log" = "ctrl+n"\n"main.nothing" = "x"\n')
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await wait_for(pilot, lambda: notices(app), "the notification")
        assert app.theme == "textual-dark"
        assert app.default_view == "all"
        [notice] = notices(app)
        for what in (str(path), "'no-such-theme'", "default_view", "'main.nothing'"):
            assert what in notice
        await pilot.press("ctrl+n")  # the good part of the keymap is used
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm), "the new complaint form on Ctrl+N")


async def test_a_refused_file_is_told_and_never_overwritten_by_a_theme(services, folder):
    path = write(folder, 'theme = "nord"\n', mode=0o666)
    os.chmod(path, 0o666)
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        assert app.theme == "textual-dark"
        assert "changed by anyone" in notices(app)[0]
        app.theme = "gruvbox"
        await wait_for(pilot, lambda: len(notices(app)) == 2, "the theme not being saved to be told")
        assert "not remembered" in notices(app)[1]
    assert path.read_text() == 'theme = "nord"\n'


async def test_the_default_view_reaches_the_main_screen(services, folder):
    write(folder, 'default_view = "mine"\n')
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        assert app.default_view == "mine"
        assert app.screen.mine  # "my cases", filtered by the staff register (issue 17 item 5)


def test_the_binding_ids_a_keymap_may_name_include_every_screen():
    import importlib
    import inspect
    import pkgutil
    import re

    import screens

    ids = known_binding_ids()
    assert {"app.help", "app.quit", "main.log", "complaint.respond", "form.save", "help.close"} <= ids
    imports = set(re.findall(r"import (screens\.\w+)", inspect.getsource(known_binding_ids)))
    imports.add("screens.main")  # chc_tui.app imports it at the top
    for found in pkgutil.iter_modules(screens.__path__):  # a screen added later is not missed
        module = importlib.import_module(f"screens.{found.name}")
        has_keys = any(getattr(cls, "__module__", None) == module.__name__ and "BINDINGS" in vars(cls)
                       for cls in vars(module).values() if isinstance(cls, type))
        assert not has_keys or module.__name__ in imports, f"known_binding_ids() misses {module.__name__}"


# --- the key bar -------------------------------------------------------------------------


def label(key, description, enabled=True, always=False):
    return KeyLabel(key, description, enabled, always)


def test_help_and_quit_stay_when_nothing_else_fits():
    help_, quit_ = label("f1", "Help", always=True), label("q", "Quit", always=True)
    labels = [label("n", "New"), label("x", "Extend", enabled=False), label("s", "Search"), help_, quit_]
    assert fit(labels, 200) == labels
    assert fit(labels, 44) == labels  # just fits
    assert fit(labels, 37) == [labels[0], labels[2], None, help_, quit_]  # the dimmed key goes first
    assert fit(labels, 28) == [labels[0], None, help_, quit_]  # then from the end
    assert fit(labels, 10) == [None, help_, quit_]


def bar_text(screen) -> str:
    """The key bar as drawn, cut to the screen's width."""
    [bar] = screen.query(KeyBar)
    return bar.render_line(0).text


def screen_lines(app) -> list[str]:
    """The whole terminal as the handler sees it, a modal form over its screen included
    (as App.export_screenshot composes it)."""
    from rich.console import Console

    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), record=True,
                      force_terminal=True, color_system="truecolor", legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text().splitlines()


def assert_help_and_quit(text: str, width: int) -> None:
    assert "f1 Help" in text and "q Quit" in text, text
    assert len(text) <= width


@pytest.mark.parametrize("width", [80, 60])
async def test_the_key_bar_keeps_help_and_quit_on_the_busiest_screens(services, width):
    reference = services.run(usecases.log_complaint, received_on=TODAY, channel="phone", resident_name="Ann Lee",
                             category="Repairs", resident_words="The roof leaks").reference
    app = build_app(services)
    async with app.run_test(size=(width, 24)) as pilot:
        await started(pilot)
        assert_help_and_quit(bar_text(app.screen), width)
        assert "…" in bar_text(app.screen)  # some keys left out: F1 lists them

        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the form")
        await pilot.pause()
        assert "F1 help" in screen_lines(app)[-1]  # a form's own keys, on its border (q types a q there)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen again")

        app.open_complaint(reference)
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen) and app.screen.detail is not None,
                       "the complaint")
        await pilot.pause()
        assert_help_and_quit(bar_text(app.screen), width)
        assert_help_and_quit(screen_lines(app)[-1].rstrip(), width)

        await pilot.press("f")  # the definition form, over the complaint
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm), "the definition form")
        await pilot.pause()
        assert "F1 help" in screen_lines(app)[-1]


# --- python -m chc_tui, tab completion ---------------------------------------------------


def test_python_dash_m_runs_chc():
    from chc_tui import __version__

    done = subprocess.run([sys.executable, "-m", "chc_tui", "--version"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert (done.returncode, done.stdout) == (0, f"{__version__}\n")


def complete(line: str, tmp_path) -> list[str]:
    """Ask chc for completions the way the shell function argcomplete installs does."""
    out = tmp_path / "completions"
    env = {**os.environ, "_ARGCOMPLETE": "1", "COMP_LINE": line, "COMP_POINT": str(len(line)),
           "_ARGCOMPLETE_STDOUT_FILENAME": str(out), "_ARGCOMPLETE_IFS": "\n"}
    done = subprocess.run([sys.executable, "-m", "chc_tui"], env=env, capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return out.read_text().split("\n")


def test_the_shell_completes_commands_and_their_actions(tmp_path):
    assert complete("chc de", tmp_path) == ["deadlines", "demo"]
    assert "respond" in complete("chc complaint ", tmp_path)
    assert "--db" in complete("chc --", tmp_path)
