"""Textual screens and widgets: what a handler sees and types into.

Screens talk to `chc_tui.services.Services` only; they never open a session or write SQL.
"""
