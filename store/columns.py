"""`select_row`: sqlmodel.select for five or more columns, typed.

sqlmodel.select's typed overloads stop at four columns, so mypy finds no overload for the
list and report queries' wider rows. select_row builds the very statement sqlmodel.select
builds for more than one column (a sqlmodel Select, which Session.exec reads as rows), with
a type mypy accepts: each row's values are Any, as they were before.
"""

from __future__ import annotations

from typing import Any

from sqlmodel.sql.expression import Select


def select_row(*columns: Any) -> Select[*tuple[Any, ...]]:
    return Select(*columns)
