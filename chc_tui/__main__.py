"""`python -m chc_tui`: the same as the `chc` command."""

import sys

from chc_tui.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
