"""Run the ``bnteach`` command line: ``python -m bnteach copy-lessons DEST``."""

import sys

from bnteach.cli import main

if __name__ == "__main__":
    sys.exit(main())
