"""The shapes of the names and ids the config and the program pass around, defined once.

``CLIENT_NAME`` is a client's ``name`` (it becomes part of the secret's name, so DNS-label
rules); ``adoptedClientSecrets`` is keyed by the same names, so its keys are checked with the
same pattern. ``UUID`` is a Genesys id (OAuth client, role, division), any hex case. Both are
meant for ``fullmatch``.
"""

from __future__ import annotations

import re

CLIENT_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)
UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", re.ASCII)
