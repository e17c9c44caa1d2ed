"""Entry point of ``python -m offline_plan``."""

import sys

from offline_plan.cli import main

sys.exit(main())
