"""``python -m genesys_oauth_secrets``: the same front door as the installed script."""

from genesys_oauth_secrets.cli import entry

entry()
