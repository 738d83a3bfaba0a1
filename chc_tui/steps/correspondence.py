"""Correspondence and notes (Code 5.12): every letter, call, email, meeting and note
about a complaint, and the files that came with them.

Files are copied into the store's attachments folder, next to the database, under their
SHA-256 (`<sha[:2]>/<sha>`): identical content is stored once, and a stored file can be
checked against the checksum recorded when it was added.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from sqlmodel import select

from chc_tui.rules.context import StepContext
from chc_tui.steps.identity import acting_write
from chc_tui.rules.domain import NotFound
from chc_tui.open_file import AttachmentUnavailable  # raised here; Textual-free for the screens
from chc_tui.steps.usecases import _audit, _Checks, _complaint_for_change
from store.engine import Database
from store.models import Attachment, Complaint, Correspondence, saved_id
from store.sharing import make_folder, settle

KINDS = ("letter", "call", "email", "meeting", "note")
DIRECTIONS = ("in", "out", "internal")
PARTIES = ("resident", "representative", "contractor", "ombudsman", "other")

_CHUNK = 1024 * 1024


def attachments_dir(db_path: Path) -> Path:
    """`<db folder>/<db file stem>-attachments/`: it travels with the database file."""
    db_path = Path(db_path)
    return db_path.parent / f"{db_path.stem}-attachments"


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    stored_name: str  # relative to the attachments folder, always with "/"
    sha256: str
    size_bytes: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(folder: Path) -> None:
    # So the rename itself survives a power cut; not possible (nor needed) on Windows.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def store_file(source: Path, folder: Path) -> StoredFile:
    """Copy `source` into `folder` under its checksum; a file already there with the same
    content is kept and the new copy dropped."""
    make_folder(folder)
    digest, size = hashlib.sha256(), 0
    # The temporary copy sits in the same folder so that os.replace is an atomic rename:
    # a reader never sees a half-written attachment under a checksum name.
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix=".incoming-", delete=False)
    temp = Path(handle.name)
    try:
        settle(temp)  # tempfile makes it 0600: the group's other handlers must read it too
        with handle, open(source, "rb") as original:
            while chunk := original.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        sha = digest.hexdigest()
        stored_name = f"{sha[:2]}/{sha}"
        target = folder / sha[:2] / sha
        make_folder(target.parent)
        if target.is_file() and sha256_of(target) == sha:
            temp.unlink()
        else:  # new content, or a damaged copy that this one repairs
            os.replace(temp, target)
            _fsync_dir(target.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return StoredFile(Path(source).name, stored_name, sha, size)


def _check_files(checks: _Checks, files: Iterable[Path | str]) -> list[Path]:
    paths: list[Path] = []
    for raw in files:
        path = Path(raw).expanduser()
        if not path.exists():
            checks.add("files", f"no file at {path}")
        elif not path.is_file():
            checks.add("files", f"{path} is not a file (a folder or a device cannot be attached)")
        else:
            try:
                with open(path, "rb"):
                    pass
            except OSError as exc:
                checks.add("files", f"cannot read {path}: {exc.strerror or exc}")
            else:
                if path.resolve() not in {p.resolve() for p in paths}:  # named twice: attach once
                    paths.append(path)
    return paths


def _check_values(
    checks: _Checks,
    ctx: StepContext,
    complaint: Complaint,
    *,
    happened_on,
    kind: str,
    direction: str,
    party: str,
    summary: str,
) -> None:
    rule = "(Code 5.12)"
    if kind not in KINDS:
        checks.add("kind", f"kind must be one of {', '.join(KINDS)} {rule}")
    if direction not in DIRECTIONS:
        checks.add("direction", f"direction must be in, out or internal {rule}")
    elif kind == "note" and direction != "internal":
        checks.add("direction", "a note is internal: choose direction 'internal', or record a call, email, letter or meeting")
    if party and party not in PARTIES:
        checks.add("party", f"party must be one of {', '.join(PARTIES)}")
    elif not party and kind in KINDS and kind != "note":
        checks.add("party", f"who was the {kind} with? choose the resident, representative, contractor, Ombudsman or other {rule}")
    checks.required("summary", summary, "A summary of what was said or done", "5.12")
    checks.a_date(
        "happened_on", happened_on, "The date", ctx.today,
        not_before=(complaint.received_on, "the complaint was received"),
    )


def record_correspondence(
    db: Database,
    reference: str,
    *,
    happened_on: date,
    kind: str,
    direction: str,
    party: str,
    summary: str,
    party_name: str = "",
    files: Iterable[Path | str] = (),
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> int:
    """Record one letter, call, email, meeting or note, with its files; returns the new
    Correspondence id. Allowed on a closed, refused or withdrawn complaint too: records
    go on being kept. Refused input raises StepRefused and writes nothing."""
    ctx = ctx or StepContext()
    kind = (kind or "").strip().lower()
    direction = (direction or "").strip().lower() or ("internal" if kind == "note" else "")
    party = (party or "").strip().lower()
    summary = (summary or "").strip()
    party_name = (party_name or "").strip()

    # Check everything before copying a byte, so a refusal leaves no file behind either.
    checks = _Checks()
    with db.read() as session:
        complaint = session.exec(select(Complaint).where(Complaint.reference == reference)).first()
    if complaint is None:
        raise NotFound(f"no complaint with reference {reference!r}")
    values: dict[str, Any] = dict(happened_on=happened_on, kind=kind, direction=direction, party=party, summary=summary)
    _check_values(checks, ctx, complaint, **values)
    sources = _check_files(checks, files)
    checks.raise_if_any()

    # Copied outside the write transaction so a large file does not hold the write lock.
    # If the transaction below then fails, the copies stay with no row referring to
    # them: content-addressed and unreachable, so harmless, and reused if added again.
    stored = [store_file(source, attachments_dir(db.path)) for source in sources]

    with acting_write(db, ctx) as session:
        complaint = _complaint_for_change(session, reference, expected_version)
        checks = _Checks()  # again, on the record as it is now
        _check_values(checks, ctx, complaint, **values)
        checks.raise_if_any()
        item = Correspondence(
            complaint_id=saved_id(complaint),
            happened_on=happened_on,
            kind=kind,
            direction=direction,
            party=party,
            party_name=party_name,
            summary=summary,
            recorded_by=ctx.actor,
        )
        session.add(item)
        session.flush()
        for copy in stored:
            session.add(
                Attachment(
                    correspondence_id=saved_id(item),
                    original_name=copy.original_name,
                    stored_name=copy.stored_name,
                    sha256=copy.sha256,
                    size_bytes=copy.size_bytes,
                    added_by=ctx.actor,
                )
            )
        _audit(
            session,
            ctx,
            "correspondence",
            complaint.id,
            {
                "correspondence_id": item.id,
                "happened_on": happened_on,
                "kind": kind,
                "direction": direction,
                "party": party,
                "party_name": party_name,
                "summary": summary,
                "files": ", ".join(f"{c.original_name} ({c.sha256[:12]})" for c in stored),
            },
        )
        return saved_id(item)


def attachment_file(db_path: Path, attachment: Attachment) -> Path:
    """The stored copy of `attachment`, after checking it is there and unchanged."""
    folder = attachments_dir(db_path)
    path = folder / attachment.stored_name
    # The name comes from the database; never follow one out of the attachments folder.
    if folder.resolve() not in path.resolve().parents:
        raise AttachmentUnavailable(f"{attachment.original_name}: stored name {attachment.stored_name!r} is not in {folder}")
    if not path.is_file():
        raise AttachmentUnavailable(f"the stored copy of {attachment.original_name} is missing (expected {path})")
    actual = sha256_of(path)
    if actual != attachment.sha256:
        raise AttachmentUnavailable(
            f"the stored copy of {attachment.original_name} has been altered since it was added: "
            f"{path} has checksum {actual[:12]}…, recorded {attachment.sha256[:12]}…"
        )
    return path
