"""Start breadboard: ``python main.py [firmware.hex]`` opens the app (the same as ``breadboard``)."""

import sys

from breadboard.cli import main

if __name__ == "__main__":
    sys.exit(main())
