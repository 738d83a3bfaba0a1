"""The layers keep to their side: no Textual below the screens, a light CLI start, no
persistence inside screens, and CI runs the very test command the README gives."""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _loaded_after(statement: str) -> list[str]:
    """Top-level packages in sys.modules after running `statement` in a fresh interpreter."""
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_domain_store_and_services_do_not_load_textual():
    loaded = _loaded_after(
        "import store.models, store.queries, chc_tui.steps.usecases, chc_tui.rules.calendar, "
        "chc_tui.rules.deadlines, chc_tui.services"
    )
    assert "sqlmodel" in loaded  # the import really happened
    assert "textual" not in loaded


def test_the_cli_starts_light():
    loaded = _loaded_after("import chc_tui.cli.main\nchc_tui.cli.main.build_parser()")
    assert "chc_tui" in loaded
    for heavy in ("sqlalchemy", "sqlmodel", "textual"):
        assert heavy not in loaded, f"importing chc_tui.cli.main loads {heavy}"


# --- no persistence in screens ----------------------------------------------------------


def _docstring_positions(tree: ast.AST) -> set[tuple[int, int]]:
    positions = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    positions.add((body[0].value.lineno, body[0].value.col_offset))
    return positions


def persistence_in(source: str) -> list[str]:
    """Uses of the ORM or sessions in Python source: 'sqlmodel', 'sqlalchemy', 'session'
    anywhere in code or string literals, and a bare `select(` call.

    Comments and docstrings are prose, not code, and are not searched: a screen's docstring
    may well say that it never opens a session. `select(` is matched case-sensitively and
    only as a bare call, because Textual's `Select(` widget and methods such as
    `.select(` or `action_select(` are not SQL.
    """
    docstrings = _docstring_positions(ast.parse(source))
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)]
    found = []
    text_kinds = {tokenize.NAME, tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    for i, tok in enumerate(tokens):
        if tok.type not in text_kinds:
            continue
        if tok.type == tokenize.STRING and tok.start in docstrings:
            continue
        lowered = tok.string.lower()
        for word in ("sqlmodel", "sqlalchemy", "session"):
            if word in lowered:
                found.append(f"line {tok.start[0]}: {word!r} in {tok.string[:60]!r}")
        if tok.type != tokenize.NAME and "select(" in tok.string:
            found.append(f"line {tok.start[0]}: 'select(' in {tok.string[:60]!r}")
        if tok.type == tokenize.NAME and tok.string == "select":
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            before = tokens[i - 1] if i else None
            if after is not None and after.string == "(" and not (before is not None and before.string == "."):
                found.append(f"line {tok.start[0]}: a bare select( call")
    return found


def test_the_screen_check_catches_what_it_should():
    assert persistence_in("from sqlmodel import select\n")
    assert persistence_in("import sqlalchemy as sa\n")
    assert persistence_in("rows = select(Complaint)\n")
    assert persistence_in("with db.read() as session:\n    pass\n")
    assert persistence_in("x = 'SQLModel'\n")
    assert not persistence_in('"""Never opens a session."""\nfrom textual.widgets import Select\n'
                              "w = Select([])\n# no session here\nw.select(1)\n"
                              "def action_select(self):\n    '''select(a row) in a session'''\n")


def test_no_persistence_in_screens():
    files = sorted((ROOT / "screens").rglob("*.py"))
    if not files:
        pytest.skip("screens/ has no Python files yet")
    problems = {
        str(path.relative_to(ROOT)): found
        for path in files
        if (found := persistence_in(path.read_text(encoding="utf-8")))
    }
    assert problems == {}, "screens must go through chc_tui.services, never the store"


# --- CI runs the README's test command -------------------------------------------------------


def readme_test_command() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## On a new machine", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    assert len(blocks) >= 2, "the README's 'On a new machine' has lost its second sh block"
    lines = [line.strip() for line in blocks[1].splitlines() if "pytest" in line]
    assert len(lines) == 1, lines
    return lines[0]


def test_ci_runs_the_readme_test_command_verbatim():
    command = readme_test_command()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command in [line.strip() for line in ci.splitlines()], (
        f"the README says to test with\n  {command}\nbut .ci/run does not run exactly that"
    )
