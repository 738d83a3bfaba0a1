"""Mutation testing for the rules and figures modules (issue 16, deliverable 7).

    .venv/bin/python tools/mutation.py                    # every module below
    .venv/bin/python tools/mutation.py calendar report    # only these (names from MODULES)
    .venv/bin/python tools/mutation.py --list deadlines   # print the mutants, run nothing

A small AST mutator, not part of the normal pytest run. For each module it makes every
mutant of the code in scope, one change at a time:

- a comparison flipped (< <=, > >=, == !=, is / is not, in / not in);
- an integer constant plus one and minus one;
- `and` / `or` swapped, a `not` dropped, an `if` / conditional / comprehension
  condition negated;
- + / -, * / /, // -> *, % -> //, += / -= swapped;
- a returned value replaced by None.

The texts inside f-strings (a figure's note, a message) are not mutated: they are words,
not rules. Each mutant is spliced into a scratch copy of the project (the working tree is
never touched) and the tests that cover the module run against it with `-x` and a timeout;
a failing or timed-out run kills the mutant. The script prints the kill rate per module
and lists every surviving mutant as file:line and the change. Mutants judged equivalent
(no test could tell them apart) are listed in EQUIVALENT with a reason, shown as such and
left out of the rate; tools/MUTATION.md gives the last results.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPY = ("chc_tui", "screens", "store", "tests", "pyproject.toml", "README.md", ".ci")


@dataclass(frozen=True)
class Module:
    path: str
    tests: tuple[str, ...]
    functions: tuple[str, ...] = ()  # only these top-level functions (all code when empty)
    stop_after: dict[str, str] | None = None  # function -> text of the line its scope ends at


MODULES: dict[str, Module] = {
    "calendar": Module(
        "chc_tui/rules/calendar.py",
        ("tests/test_rules_units.py", "tests/test_calendar.py", "tests/test_lifecycle.py"),
    ),
    "deadlines": Module(
        "chc_tui/rules/deadlines.py",
        ("tests/test_rules_units.py", "tests/test_lifecycle.py", "tests/test_other_deadlines.py",
         "tests/test_fastread.py"),
    ),
    "policy": Module(
        "chc_tui/rules/policy.py",
        ("tests/test_rules_units.py", "tests/test_report_figures.py", "tests/test_lifecycle.py",
         "tests/test_refusals.py"),
    ),
    # The report's TSM code: the financial year, the rounding CH01 and CH02 use, how a
    # response is judged, and compute() up to the end of its TSM section.
    "report": Module(
        "chc_tui/figures/report.py",
        ("tests/test_tsm_figures.py", "tests/test_report_figures.py", "tests/test_report_seed.py"),
        functions=("year_bounds", "year_of", "_half_up", "pct", "pct_text", "per_thousand",
                   "target_due", "judge_response", "_in", "compute"),
        stop_after={"compute": 'sections.append(Section("tsm"'},
    ),
}

# (file, the stripped source line, the change) -> why no test can tell the mutant apart.
EQUIVALENT: dict[tuple[str, str, str], str] = {
    ("chc_tui/figures/report.py", "return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)", "1  ->  0"):
        "quantize reads only the exponent: Decimal(0).scaleb(-2) is 0E-2, the same exponent as 1E-2",
    ("chc_tui/figures/report.py", "return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)", "1  ->  2"):
        "quantize reads only the exponent: 2E-2 has the same exponent as 1E-2",
    ("chc_tui/rules/deadlines.py", "if due_on < today and days_left == 0:", "due_on < today  ->  due_on <= today"):
        "due_on == today has already returned 0 two lines up",
    ("chc_tui/rules/calendar.py", 'cache = self.__dict__.setdefault("_offsets", {year: 0})', "0  ->  1"):
        "every running count moves by the same amount; only differences of counts are used",
    ("chc_tui/rules/calendar.py", 'cache = self.__dict__.setdefault("_offsets", {year: 0})', "0  ->  -1"):
        "every running count moves by the same amount; only differences of counts are used",
    ("chc_tui/rules/calendar.py", "step = 1 if year > base else -1", "year > base  ->  year >= base"):
        "year == base is always in the cache, so this line never sees it",
    ("chc_tui/rules/calendar.py", "if step > 0:", "step > 0  ->  step >= 0"):
        "step is 1 or -1, never 0",
    ("chc_tui/rules/calendar.py", "self._bank_holidays.get(date(year, 1, 1))  # makes `holidays` work that year out", "1  ->  2"):
        "any day of the year makes `holidays` work that year out (the 1 of month or day, both)",
    ("chc_tui/rules/calendar.py", "if step > 0:", "0  ->  -1"):
        "step is 1 or -1: step > -1 is step > 0",
}


@dataclass(frozen=True)
class Mutant:
    file: str
    line: int
    change: str
    start: tuple[int, int]  # (line, col) of the replaced source span, 1-based line
    end: tuple[int, int]
    text: str  # what replaces that span

    def key(self, lines: list[str]) -> tuple[str, str, str]:
        return self.file, lines[self.line - 1].strip(), self.change


# --- making mutants ----------------------------------------------------------------------

CMP_FLIP = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
}
BIN_FLIP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
            ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv}


def _scope(tree: ast.Module, source: list[str], module: Module) -> list[tuple[int, int]]:
    if not module.functions:
        return [(1, len(source))]
    spans = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in module.functions:
            end = node.end_lineno or node.lineno
            marker = (module.stop_after or {}).get(node.name)
            if marker:
                end = next(i for i in range(node.lineno, end + 1) if marker in source[i - 1])
            spans.append((node.lineno, end))
    missing = set(module.functions) - {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    if missing:
        raise SystemExit(f"{module.path}: no function {', '.join(sorted(missing))}")
    return spans


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """Nodes not to mutate: f-string texts, docstrings, annotations."""
    skip: set[int] = set()

    def mark(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            mark(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            mark(node.returns)
            for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs:
                mark(a.annotation)
        elif isinstance(node, ast.AnnAssign):
            mark(node.annotation)
        elif isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            mark(node.test)
    return skip


def make_mutants(module: Module) -> list[Mutant]:
    text = (ROOT / module.path).read_text()
    lines = text.splitlines()
    tree = ast.parse(text)
    spans = _scope(tree, lines, module)
    skip = _skipped_nodes(tree)
    out: list[Mutant] = []

    def in_scope(node: ast.AST) -> bool:
        return any(a <= node.lineno <= b for a, b in spans) and id(node) not in skip

    def add(node: ast.AST, change: str, replacement: ast.AST | str) -> None:
        new = replacement if isinstance(replacement, str) else f"({ast.unparse(replacement)})"
        out.append(Mutant(module.path, node.lineno, change, (node.lineno, node.col_offset),
                          (node.end_lineno, node.end_col_offset), new))

    def copy_with(node: ast.AST, **fields) -> ast.AST:
        clone = ast.parse(ast.unparse(node), mode="eval").body if isinstance(node, ast.expr) else None
        assert clone is not None
        for name, value in fields.items():
            setattr(clone, name, value)
        return clone

    def negate(node: ast.expr, where: str) -> None:
        add(node, f"{where} condition negated: not ({ast.unparse(node)})",
            ast.UnaryOp(op=ast.Not(), operand=node))

    for node in ast.walk(tree):
        if not hasattr(node, "lineno") or not in_scope(node):
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                flip = CMP_FLIP.get(type(op))
                if flip:
                    ops = [type(o)() for o in node.ops]
                    ops[i] = flip()
                    mutated = copy_with(node, ops=ops)
                    add(node, f"{ast.unparse(node)}  ->  {ast.unparse(mutated)}", mutated)
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            for delta in (1, -1):
                add(node, f"{node.value}  ->  {node.value + delta}", ast.Constant(node.value + delta))
        elif isinstance(node, ast.BoolOp):
            op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            mutated = copy_with(node, op=op)
            add(node, f"{ast.unparse(node)}  ->  {ast.unparse(mutated)}", mutated)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            add(node, f"{ast.unparse(node)}  ->  {ast.unparse(node.operand)}", node.operand)
        elif isinstance(node, ast.BinOp) and type(node.op) in BIN_FLIP:
            mutated = copy_with(node, op=BIN_FLIP[type(node.op)]())
            add(node, f"{ast.unparse(node)}  ->  {ast.unparse(mutated)}", mutated)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub)):
            op = "-=" if isinstance(node.op, ast.Add) else "+="
            target = ast.unparse(node.target)
            add(node, f"{ast.unparse(node)}  ->  {target} {op} ...", f"{target} {op} {ast.unparse(node.value)}")
        elif isinstance(node, ast.Return) and node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None
        ):
            add(node, f"return {ast.unparse(node.value)[:60]}  ->  return None", "return None")
        if isinstance(node, (ast.If, ast.While, ast.IfExp)) and in_scope(node.test):
            negate(node.test, "if" if not isinstance(node, ast.While) else "while")
        if isinstance(node, ast.comprehension):
            for cond in node.ifs:
                if in_scope(cond):
                    negate(cond, "comprehension")
    out.sort(key=lambda m: (m.start, m.change))
    return out


def apply(source: str, mutant: Mutant) -> str:
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode()))
    data = source.encode()
    a = offsets[mutant.start[0] - 1] + mutant.start[1]
    b = offsets[mutant.end[0] - 1] + mutant.end[1]
    mutated = (data[:a] + mutant.text.encode() + data[b:]).decode()
    ast.parse(mutated)  # a mutant must still be valid Python
    return mutated


# --- running -----------------------------------------------------------------------------


def scratch_copy() -> Path:
    where = Path(tempfile.mkdtemp(prefix="chc-mutation-"))
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, where / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, where / name)
    return where


def run_tests(copy: Path, tests: tuple[str, ...], timeout: float | None) -> tuple[str, float]:
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header", *tests]
    began = time.monotonic()
    try:
        done = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - began
    return ("passed" if done.returncode == 0 else "failed" if done.returncode == 1 else f"error {done.returncode}",
            time.monotonic() - began)


def check_copy_is_imported(copy: Path, module: Module) -> None:
    name = module.path.removesuffix(".py").replace("/", ".")
    env = dict(os.environ, PYTHONPATH=str(copy))
    found = subprocess.run([sys.executable, "-c", f"import {name}; print({name}.__file__)"],
                           cwd=copy, env=env, capture_output=True, text=True).stdout.strip()
    if not found.startswith(str(copy)):
        raise SystemExit(f"the scratch copy is not what the tests import: {name} is {found}")


def mutate_module(name: str, module: Module, copy: Path) -> dict:
    target = copy / module.path
    original = target.read_text()
    lines = original.splitlines()
    tests = tuple(t for t in module.tests if (copy / t).exists())
    check_copy_is_imported(copy, module)
    result, took = run_tests(copy, tests, None)
    if result != "passed":
        raise SystemExit(f"{name}: the tests fail without any mutant ({result}): {' '.join(tests)}")
    timeout = took * 3 + 10
    mutants = make_mutants(module)
    print(f"\n{name}: {len(mutants)} mutants of {module.path}, tests {' '.join(tests)} ({took:.1f}s clean)", flush=True)
    killed, survived, equivalent = 0, [], []
    try:
        for i, m in enumerate(mutants, 1):
            reason = EQUIVALENT.get(m.key(lines))
            target.write_text(apply(original, m))
            outcome, _ = run_tests(copy, tests, timeout)
            if outcome == "passed":
                (equivalent if reason else survived).append((m, reason))
            else:
                killed += 1
            mark = "." if outcome != "passed" else ("e" if reason else "S")
            print(mark, end="" if i % 50 else f" {i}\n", flush=True)
    finally:
        target.write_text(original)
    counted = len(mutants) - len(equivalent)
    rate = 100 * killed / counted if counted else 100.0
    print(f"\n{name}: killed {killed} of {counted} non-equivalent mutants ({rate:.1f}%); "
          f"{len(equivalent)} equivalent, {len(survived)} survived")
    for m, _ in survived:
        print(f"  SURVIVED {m.file}:{m.line}  {m.change}")
    for m, reason in equivalent:
        print(f"  equivalent {m.file}:{m.line}  {m.change}  -- {reason}")
    return {"module": name, "mutants": len(mutants), "killed": killed, "rate": rate,
            "survived": len(survived), "equivalent": len(equivalent)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=f"any of {', '.join(MODULES)} (default: all)")
    parser.add_argument("--list", action="store_true", help="print the mutants and run nothing")
    args = parser.parse_args(argv)
    names = args.modules or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)}: choose from {', '.join(MODULES)}")
    if args.list:
        for name in names:
            for m in make_mutants(MODULES[name]):
                print(f"{m.file}:{m.line}  {m.change}")
        return 0
    copy = scratch_copy()
    try:
        results = [mutate_module(name, MODULES[name], copy) for name in names]
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    print("\nmodule      mutants  killed  equivalent  survived  kill rate (non-equivalent)")
    for r in results:
        print(f"{r['module']:<11} {r['mutants']:>7} {r['killed']:>7} {r['equivalent']:>11} {r['survived']:>9}  {r['rate']:.1f}%")
    return 0 if all(r["survived"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
