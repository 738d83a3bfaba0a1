"""chc's log file: what a landlord with no IT team sends when something goes wrong.

One file per user under the user log folder (on Linux ~/.local/state/chc-tui/log/chc.log),
rotated at 1 MB with five old files kept, readable by its owner only: a traceback can hold
a resident's details. Set up in `chc`'s main for every command and the app. The file and
logging.handlers are opened only when the first record is written, so that start-up (the
app's first paint is benchmarked) pays for nothing but `import logging`.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

LOG_NAME = "chc.log"
MAX_BYTES = 1024 * 1024
KEEP = 5
FILE_MODE = 0o600
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


def log_path() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("chc-tui", appauthor=False)) / LOG_NAME


class _OnFirstRecord(logging.Handler):
    """A rotating file handler made when the first record arrives."""

    def __init__(self, path: Path) -> None:
        super().__init__(logging.INFO)
        self.path = path
        self._file: logging.Handler | None = None
        self._failed = False
        self._make = threading.Lock()

    def _target(self) -> logging.Handler | None:
        with self._make:
            if self._file is None and not self._failed:
                try:
                    self._file = _rotating(self.path)
                except OSError:
                    self._failed = True  # nowhere to log to: never stop the handler working
        return self._file

    def emit(self, record: logging.LogRecord) -> None:
        target = self._target()
        if target is not None:
            target.handle(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def _rotating(path: Path) -> logging.Handler:
    from logging.handlers import RotatingFileHandler

    class PrivateRotatingFileHandler(RotatingFileHandler):
        def _open(self):  # every file, the first and each after a rotation: owner only
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
            return open(fd, self.mode, encoding=self.encoding, errors=self.errors)

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=KEEP, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    return handler


_installed: _OnFirstRecord | None = None


def setup_logging() -> Path:
    """Send INFO and above from every module to the log file; returns its path. Calling
    it again (tests run main() many times) changes nothing."""
    global _installed
    path = log_path()
    if _installed is not None and _installed.path == path:
        return path
    root = logging.getLogger()
    if _installed is not None:
        root.removeHandler(_installed)
        _installed.close()
    _installed = _OnFirstRecord(path)
    root.addHandler(_installed)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    return path
