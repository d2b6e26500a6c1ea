import sys

from esorma.cli import main

sys.exit(main())
