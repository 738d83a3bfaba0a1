"""The landlord's logo, for the annual report's cover and page headers (issue 20.1).

The picture is read once, when the landlord sets it, checked, and kept in the database
(setting report.logo): every handler's export then carries the same logo, a backup
carries it too, and nobody can swap a file on the shared server under a later export.
Only PNG and JPEG of a sensible size are taken; Pillow decodes the whole picture once so
that a file that only starts like a PNG, or a "decompression bomb", is refused here and
never reaches Word, the PDF or a browser.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from chc_tui.documents.document import Image

MAX_BYTES = 1_000_000  # a letterhead logo is tens of kilobytes
MAX_SIDE = 4000  # pixels
KINDS = {"PNG": "image/png", "JPEG": "image/jpeg"}


class LogoRefused(ValueError):
    """The file is not a picture the report can carry; the message says why."""


@dataclass(frozen=True)
class Logo:
    data: bytes
    mime: str
    name: str  # the file's name when it was set (shown in settings, never a path)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def image(self, landlord: str, width_cm: float = 4.0) -> Image:
        return Image(self.data, self.mime, f"{landlord} logo" if landlord else "Logo", width_cm)

    def to_setting(self) -> dict:
        return {"mime": self.mime, "name": self.name, "data": base64.b64encode(self.data).decode("ascii")}

    @classmethod
    def from_setting(cls, value) -> "Logo | None":
        """The stored logo, or None (unset, or a value this version cannot read)."""
        if not isinstance(value, dict) or value.get("mime") not in KINDS.values():
            return None
        try:
            data = base64.b64decode(str(value.get("data", "")), validate=True)
        except ValueError:
            return None
        return cls(data, value["mime"], str(value.get("name", "")))


def check_picture(data: bytes, name: str) -> Logo:
    """`data` as a Logo, or LogoRefused saying what is wrong with it."""
    from PIL import Image as PILImage, UnidentifiedImageError

    if not data:
        raise LogoRefused(f"{name} is empty")
    if len(data) > MAX_BYTES:
        raise LogoRefused(f"{name} is {len(data) // 1000:,} kB: a logo must be at most {MAX_BYTES // 1000:,} kB")
    try:
        with PILImage.open(io.BytesIO(data)) as picture:
            kind = picture.format
            if kind not in KINDS:
                raise LogoRefused(f"{name} is a {kind} picture: give a PNG or JPEG")
            width, height = picture.size
            if max(width, height) > MAX_SIDE:
                raise LogoRefused(f"{name} is {width}x{height} pixels: at most {MAX_SIDE} on a side")
            picture.load()  # decodes it all: a truncated or forged file fails here
    except LogoRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as exc:
        raise LogoRefused(f"{name} is not a picture that can be read ({exc.__class__.__name__})") from None
    return Logo(data, KINDS[kind], name)


def read_logo_file(path: Path) -> Logo:
    path = Path(path).expanduser()
    try:
        if path.stat().st_size > MAX_BYTES:
            raise LogoRefused(f"{path.name} is larger than {MAX_BYTES // 1000:,} kB: give a smaller logo")
        data = path.read_bytes()
    except FileNotFoundError:
        raise LogoRefused(f"there is no file {path}") from None
    except IsADirectoryError:
        raise LogoRefused(f"{path} is a folder, not a picture") from None
    except PermissionError:
        raise LogoRefused(f"{path} cannot be read by you") from None
    return check_picture(data, path.name)


@dataclass(frozen=True)
class Branding:
    """What a board document carries of the landlord: its name and its logo (either may be unset)."""

    landlord: str = ""
    logo: Logo | None = None

    def header_image(self) -> Image | None:
        return self.logo.image(self.landlord, 1.0) if self.logo else None
