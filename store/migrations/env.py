"""Alembic environment: always run programmatically by store.migrate with a connection."""

from alembic import context
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from store.search_index import not_the_index

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite alters tables by copy-and-move
    compare_type=True,
    include_name=not_the_index,  # the search's FTS5 tables are 0023's, not the models'
)
with context.begin_transaction():
    context.run_migrations()
