"""``python -m tapeflow.keras.datasets fetch|info`` (same as ``tapeflow datasets``)."""

import sys

from .commands import main

if __name__ == "__main__":
    sys.exit(main())
