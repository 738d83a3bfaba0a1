"""A mypy plugin: on a SQLModel table class, a field read from the class is a column.

SQLModel declares `reference: str = Field(...)`, so mypy types `Complaint.reference` as a
`str`, although SQLAlchemy's mapper makes it an `InstrumentedAttribute[str]` at runtime.
Every query (`Complaint.reference == ref`, `.in_()`, `.desc()`, `select(Complaint.id)`)
then looks wrong to mypy. SQLModel's own answer is to wrap each one in `col()`; this plugin
gives the class attribute its runtime type instead, so the queries read as SQLModel's docs
write them and mypy still checks what they are given. Reading a field from an instance
(`complaint.reference`) is unchanged: a `str`.

Configured in pyproject.toml's [tool.mypy] `plugins`.
"""

from __future__ import annotations

from typing import Callable

from mypy.nodes import MypyFile, NameExpr, TypeInfo, Var
from mypy.plugin import AttributeContext, ClassDefContext, Plugin
from mypy.types import Instance, Type

_SQLMODEL = "sqlmodel.main.SQLModel"
_COLUMN = "sqlalchemy.orm.attributes.InstrumentedAttribute"


_KEY = "chc_sqlmodel"


def _mark_table(ctx: ClassDefContext) -> None:
    """Remember `class X(SQLModel, table=True)` in the class's metadata, which mypy keeps in
    its cache (the class statement's keywords are not kept)."""
    table = ctx.cls.keywords.get("table")
    if isinstance(table, NameExpr) and table.fullname == "builtins.True":
        ctx.cls.info.metadata[_KEY] = {"table": True}


def _is_table(info: TypeInfo) -> bool:
    return any(base.metadata.get(_KEY, {}).get("table") for base in info.mro)


class SQLModelColumns(Plugin):
    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        return [(10, "sqlalchemy.orm.attributes", -1)]  # where the column type is defined

    def get_base_class_hook(self, fullname: str) -> Callable[[ClassDefContext], None] | None:
        return _mark_table if fullname == _SQLMODEL else None

    def get_class_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        class_name, _, attribute = fullname.rpartition(".")
        symbol = self.lookup_fully_qualified(class_name)
        if symbol is None or not isinstance(symbol.node, TypeInfo) or not _is_table(symbol.node):
            return None
        found = symbol.node.get(attribute)
        if found is None or not isinstance(found.node, Var) or found.node.is_classvar or attribute.startswith("_"):
            return None
        column = self.lookup_fully_qualified(_COLUMN)
        if column is None or not isinstance(column.node, TypeInfo):
            return None
        column_info = column.node

        def as_column(ctx: AttributeContext) -> Type:
            if ctx.is_lvalue:  # `Complaint.x = ...` is not a query
                return ctx.default_attr_type
            return Instance(column_info, [ctx.default_attr_type])

        return as_column


def plugin(version: str) -> type[Plugin]:
    return SQLModelColumns
