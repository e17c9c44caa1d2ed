"""``python -m secret_age``: see the package docstring and ``--help``."""

from secret_age.cli import main

raise SystemExit(main())
