"""File names made from records never escape their folder or reach a terminal as escapes
(issue 15.11: ANSI escapes went into exported file names)."""

from __future__ import annotations

import pytest

from chc_tui.documents.evidence_pack import default_filename
from chc_tui.documents.file_names import safe_file_stem


@pytest.mark.parametrize(
    "reference, expected",
    [
        ("C2026-0001", "C2026-0001"),
        ("HA/2024/001", "HA-2024-001"),
        ("../../etc/passwd", "etc-passwd"),
        ("\x1b[2J\x1b]0;owned\x07REF-1", "REF-1"),
        ("..", "file"),
        ("", "file"),
        (".hidden", "hidden"),
    ],
)
def test_a_reference_becomes_a_plain_file_stem(reference, expected):
    assert safe_file_stem(reference) == expected


def test_the_evidence_packs_name_is_safe():
    name = default_filename("../\x1b[31mX/1", "docx")
    assert name == "X-1-evidence.docx"
    assert "/" not in name and "\x1b" not in name
