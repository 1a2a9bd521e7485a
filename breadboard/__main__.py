"""``python -m breadboard``: the same as the ``breadboard`` command."""

import sys

from .cli import main

sys.exit(main())
