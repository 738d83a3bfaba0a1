import sys

from chc_tui.cli.main import main

sys.exit(main())
