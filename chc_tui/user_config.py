"""A person's own settings: one small TOML file in their config folder (issue 17, item 7).

    theme = "gruvbox"            # a Textual theme, remembered when changed in the app
    default_view = "mine"        # the main list starts on "all" cases or "mine"
    database = "~/chc/complaints.db"   # used when neither --db nor CHC_DATABASE_URL/CHC_DB is given

    [keymap]                     # Textual binding ids -> keys
    "main.log" = "ctrl+n"

The landlord's settings live in the database (chc settings); these are one handler's
own, so they never steer anyone else's session: a file owned by someone else, or one
anyone may write, is refused. A bad file never stops chc either: what cannot be used is
named in `ignored` and the defaults stand in for it.

No Textual here: the app checks theme names and binding ids against what it has
(`without_unknown`). tomllib loads only when there is a file to read.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any, Collection, Mapping, NamedTuple

log = logging.getLogger(__name__)

CONFIG_DIR_ENV = "CHC_CONFIG_DIR"  # another folder for the file (tests, a second profile)
FILE_NAME = "config.toml"
VIEWS = ("all", "mine")
DEFAULT_VIEW = "all"


class ConfigProblem(Exception):
    """The file cannot be used (or saved); the message says why, and names the file."""


# NamedTuples, not dataclasses: made at every start, and a dataclass costs a millisecond to define.
class UserConfig(NamedTuple):
    theme: str | None = None  # None: Textual's default
    default_view: str = DEFAULT_VIEW
    database: str | None = None  # a path (~ expanded) or a database URL, as written
    keymap: Mapping[str, str] = {}  # binding id -> keys; never changed in place


class LoadedConfig(NamedTuple):
    config: UserConfig
    path: Path
    ignored: tuple[str, ...] = ()  # what was ignored, one phrase each, for the one notification

    def with_ignored(self, *more: str) -> LoadedConfig:
        return self._replace(ignored=self.ignored + more)

    def notice(self) -> str | None:
        """The one message telling what was ignored, and where the file is."""
        if not self.ignored:
            return None
        return f"Your settings file {self.path}: ignored {'; '.join(self.ignored)}. The defaults are used instead."


def config_dir() -> Path:
    folder = os.environ.get(CONFIG_DIR_ENV)
    if folder:
        return Path(folder).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("chc-tui", appauthor=False))


def config_path() -> Path:
    return config_dir() / FILE_NAME


# --- reading -----------------------------------------------------------------------------


def load(path: Path | None = None) -> LoadedConfig:
    """The settings in `path` (default: config_path()), the defaults where it has none.
    Never raises: a missing file is the defaults, a bad one is the defaults plus why."""
    path = path or config_path()
    try:
        data = _read(path)
    except ConfigProblem as problem:
        log.warning("settings file %s not used: it %s", path, problem)
        return LoadedConfig(UserConfig(), path, (f"the whole file (it {problem})",))
    if data is None:
        return LoadedConfig(UserConfig(), path)
    config, ignored = _from_data(data)
    for what in ignored:
        log.warning("settings file %s: ignored %s", path, what)
    return LoadedConfig(config, path, tuple(ignored))


def _read(path: Path) -> dict[str, Any] | None:
    """The file's TOML, or None when there is no file."""
    text = _read_text(path)
    if text is None:
        return None
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigProblem(f"is not valid TOML ({exc})") from exc


def _read_text(path: Path) -> str | None:
    """The file's text, or None when there is no file. Refuses one that is not this
    person's own (owned by another user, or writable by anyone)."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigProblem(f"cannot be read ({exc.strerror or exc})") from exc
    with handle:
        _check_own(os.fstat(handle.fileno()))  # the file opened, not a name swapped since
        raw = handle.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigProblem(f"is not valid TOML (not UTF-8 text: {exc.reason} at byte {exc.start})") from exc


def _check_own(info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise ConfigProblem("is not a regular file")
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return  # Windows: no owners or permission bits of this kind to compare
    if info.st_uid != getuid():
        raise ConfigProblem(
            f"belongs to another user (uid {info.st_uid}), and your settings must be your own: "
            "remove it, or copy it into a file of your own"
        )
    if info.st_mode & stat.S_IWOTH:
        raise ConfigProblem("can be changed by anyone, so anyone could steer your session: chmod 600 it")


def _from_data(data: dict[str, Any]) -> tuple[UserConfig, list[str]]:
    ignored: list[str] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "keymap":
            values["keymap"] = _keymap(value, ignored)
        elif key in ("theme", "database"):
            if isinstance(value, str) and value.strip():
                values[key] = value.strip()
            else:
                ignored.append(f"{key} (it must be a non-empty text in quotes)")
        elif key == "default_view":
            if value in VIEWS:
                values[key] = value
            else:
                ignored.append(f"default_view {value!r} (it must be one of {', '.join(map(repr, VIEWS))})")
        else:
            ignored.append(f"the unknown setting {key!r} (known: theme, default_view, database, keymap)")
    return UserConfig(**values), ignored


def _keymap(value: Any, ignored: list[str]) -> dict[str, str]:
    """Binding id -> keys. An id written without quotes (main.log = "ctrl+n") is a
    nested table in TOML: it is read back as the dotted id it was meant to be."""
    if not isinstance(value, dict):
        ignored.append("keymap (it must be a table: [keymap])")
        return {}
    keymap: dict[str, str] = {}
    for binding_id, keys in _flatten(value):
        parts = [part.strip() for part in keys.split(",")] if isinstance(keys, str) else []
        if parts and all(parts) and not any(" " in part for part in parts):
            keymap[binding_id] = ",".join(parts)
        else:
            ignored.append(f"keymap {binding_id!r} (its keys must be a text such as \"ctrl+n\" or \"f7,ctrl+n\")")
    return keymap


def _flatten(table: dict[str, Any], prefix: str = ""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def without_unknown(
    loaded: LoadedConfig, *, themes: Collection[str] | None = None, binding_ids: Collection[str] | None = None
) -> LoadedConfig:
    """The settings less a theme or binding ids the app does not have (each named in
    `ignored`). None: not checked (yet)."""
    config, ignored = loaded.config, []
    if themes is not None and config.theme is not None and config.theme not in themes:
        ignored.append(f"theme {config.theme!r} (no such theme; Ctrl+P, 'Change theme' lists them)")
        config = config._replace(theme=None)
    if binding_ids is not None:
        unknown = sorted(set(config.keymap) - set(binding_ids))
        if unknown:
            ignored.append(f"keymap {', '.join(map(repr, unknown))} (no such binding id; README lists them)")
            config = config._replace(keymap={k: v for k, v in config.keymap.items() if k not in unknown})
    if not ignored:
        return loaded
    for what in ignored:
        log.warning("settings file %s: ignored %s", loaded.path, what)
    return loaded._replace(config=config).with_ignored(*ignored)


def configured_database(environ: Mapping[str, str] = os.environ) -> tuple[Path | str | None, str | None]:
    """The `database` setting, for when neither --db nor CHC_DATABASE_URL nor CHC_DB is
    given, and the notice to print if the file could not be used. Reads the file only then."""
    if environ.get("CHC_DATABASE_URL") or environ.get("CHC_DB"):
        return None, None
    loaded = load()
    database = loaded.config.database
    if database is None:
        return None, loaded.notice()
    return (database if "://" in database else Path(database).expanduser()), loaded.notice()


# --- writing -----------------------------------------------------------------------------


def save_theme(theme: str, path: Path | None = None) -> Path:
    """Remember `theme` in the file, keeping everything else in it (comments too where
    the file allows). Refuses, rather than overwrite, a file that was not usable."""
    path = path or config_path()
    old_text = _read_text(path)  # ConfigProblem: a foreign file is not replaced
    if old_text is None:
        text = _dump({"theme": theme})
    else:
        data = _parses_to(old_text)
        if data is None:
            raise ConfigProblem("is not valid TOML: correct it, and the theme is saved next time")
        edited = _with_theme_line(old_text, theme)
        wanted = {**data, "theme": theme}
        text = edited if _parses_to(edited) == wanted else _dump(wanted)  # else comments lost, values kept
    write_private(path, text)
    return path


def _with_theme_line(text: str, theme: str) -> str:
    """The file with its top-level `theme = ...` line replaced (or one added at the top)."""
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith("["):
            break  # the tables begin: theme was not set at the top
        if stripped.split("=", 1)[0].strip() in ("theme", '"theme"', "'theme'") and "=" in stripped:
            lines[number] = f"theme = {_toml_string(theme)}\n"
            return "".join(lines)
    return f"theme = {_toml_string(theme)}\n" + text


def _parses_to(text: str) -> dict[str, Any] | None:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _dump(data: dict[str, Any]) -> str:
    """A tiny TOML writer for this file's shape: top-level scalars, then tables of scalars."""
    scalars = [f"{_toml_key(k)} = {_toml_value(v)}\n" for k, v in data.items() if not isinstance(v, dict)]
    tables = []
    for name, table in data.items():
        if isinstance(table, dict):
            rows = [f"{key} = {_toml_value(value)}\n" for key, value in _flatten_keys(table)]
            tables.append(f"\n[{_toml_key(name)}]\n" + "".join(rows))
    return "".join(scalars) + "".join(tables)


def _flatten_keys(table: dict[str, Any]):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from ((f"{_toml_key(key)}.{inner}", v) for inner, v in _flatten_keys(value))
        else:
            yield _toml_key(key), value


def _toml_key(key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if bare else _toml_string(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise ConfigProblem(f"holds a {type(value).__name__} value chc cannot rewrite: set the theme in it by hand")


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def write_private(path: Path, text: str) -> None:
    """Write the whole file or nothing (temp file + os.replace), readable by its owner
    only, in a folder created for the owner only."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode passes through the umask
    import tempfile

    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")  # 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
