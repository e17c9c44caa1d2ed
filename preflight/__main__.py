"""``python -m preflight``: see :mod:`preflight.cli`."""

from preflight.cli import main

raise SystemExit(main())
