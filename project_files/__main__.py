"""``python -m project_files``: see :mod:`project_files.cli`."""

import sys

from project_files.cli import main

sys.exit(main())
