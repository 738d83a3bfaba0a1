"""The staff register's vocabulary: what a person on it may do, and when two spellings of a
name are the same person."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    HANDLER = "handler"  # handles complaints at stage 1 (and stage 2 unless reviewers only)
    STAGE2_REVIEWER = "stage2-reviewer"  # may be assigned stage 2 (Code 6.13)
    COMPLAINTS_LEAD = "complaints-lead"  # the complaints officer letters name (Code 4.1)
    MRC = "mrc"  # the Member Responsible for Complaints, on the governing body (Code 9.5)
    ADMIN = "admin"  # keeps the register and the landlord's settings


ROLE_NAMES = tuple(r.value for r in Role)


def name_key(name: str) -> str:
    """"Alice Smith", "alice  smith" and "ALICE SMITH" are one person: case and spaces
    are not part of a name (the same rule migration 0008 applied to the old records)."""
    return "".join(name.split()).casefold()


def parse_roles(text: str) -> tuple[Role, ...]:
    return tuple(Role(r) for r in (p.strip() for p in text.split(",")) if r)


def roles_text(roles) -> str:
    return ",".join(Role(r).value for r in roles)
