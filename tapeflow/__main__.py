"""``python -m tapeflow ...``: the same as the ``tapeflow`` command."""
import sys

from tapeflow.cli import main

if __name__ == "__main__":
    sys.exit(main())
