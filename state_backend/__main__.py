"""``python -m state_backend``: the single entry point of the backend tools."""

from state_backend.cli import main

raise SystemExit(main())
