"""Persistence: SQLModel tables, the engine, migrations and read queries.

Never imports Textual: the domain and the CLI use this without a terminal.
"""
