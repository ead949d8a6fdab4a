"""Make the shared layer-test helper (tests/keras/layers) importable here too."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "layers"))
