"""``python -m handout``: the same command line as the ``handout`` script."""

import sys

from handout.cli import main

sys.exit(main())
