"""chc-tui: complaint handling under the Housing Ombudsman's Complaint Handling Code 2024.

Kept import-light on purpose: the command line and the first paint must not wait for
the ORM or Textual to load.
"""

__version__ = "0.1.0"
