"""``python -m esorma``: the same as the ``esorma`` command."""

import sys

from esorma.cli import main

sys.exit(main())
