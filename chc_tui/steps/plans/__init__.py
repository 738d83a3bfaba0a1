"""The rules of a complaint's steps as pure functions ("plans"): given the complaint's state
as plain values and the command, each checks the Code's rules and returns the records to
write, or raises the StepRefused the use-case raises. Nothing here reads or writes the
database, so one rule has one home: the ORM use-cases (chc_tui.steps.usecases) load the
state, call the plan and write what it returns; the importer (chc_tui.spreadsheets.importer)
holds each complaint's state in memory, calls the same plans and writes the rows in bulk
(chc_tui.steps.bulk).
"""
