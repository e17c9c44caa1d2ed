"""Rules for a registered redirect URI (CODE and TOKEN clients), one message per broken rule.

Genesys sends a user's browser, with an authorization code or token, to one of these URIs, so
a malformed one is at best a failed sign-in and at worst a token sent somewhere unintended.
``urllib.parse.urlsplit`` raises ``ValueError`` on some inputs (``https://[oops/cb``) and returns
lazily-failing ports for others (``:99999``); every such case becomes a message here, never an
exception.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

MAX_URI_LENGTH = 2048
"""Our bound (the Genesys limit is unverified); browsers and proxies commonly cap URLs near it."""

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
"""Hosts where plain http is acceptable: the token never leaves the machine."""

_PRINTABLE_ASCII = re.compile(r"[!-~]+", re.ASCII)
_DNS_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)


def redirect_uri_problem(uri: str) -> str | None:
    """What is wrong with ``uri`` as a redirect URI, or None. Never raises, never echoes it."""
    if len(uri) > MAX_URI_LENGTH:
        return f"at most {MAX_URI_LENGTH} characters"
    if not _PRINTABLE_ASCII.fullmatch(uri):
        return "no spaces, control or non-ASCII characters; percent-encode them"
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "not a valid URI (check the brackets around an IPv6 host)"
    return (
        _shape_problem(uri, parts)
        or _host_problem(parts)
        or _port_problem(parts)
        or _scheme_problem(parts)
    )


def _shape_problem(uri: str, parts: SplitResult) -> str | None:
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return "use an absolute https:// URI (http:// only for localhost)"
    if "@" in parts.netloc:
        return "no user name or password (user@host) in a redirect URI"
    if "#" in uri:
        return "no fragment (#…): OAuth redirect URIs must not have one"
    return None


def _host_problem(parts: SplitResult) -> str | None:
    host = parts.hostname or ""
    if parts.netloc.startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return "the host in [...] must be an IPv6 address"
        return None
    if is_dns_name(host):
        return None
    return "the host must be a DNS name (letters, digits, hyphens, dots) or an IP address"


def is_dns_name(host: str) -> bool:
    """A lower-case DNS name (or dotted IPv4): ASCII labels of 1-63 characters, 253 in all."""
    labels = host.split(".")
    return 0 < len(host) <= 253 and all(_DNS_LABEL.fullmatch(label) for label in labels)  # noqa: PLR2004 - DNS limit


def _port_problem(parts: SplitResult) -> str | None:
    try:
        port = parts.port
    except ValueError:
        return "the port must be a number from 1 to 65535"
    if port == 0 or (port is None and parts.netloc.endswith(":")):
        return "the port must be a number from 1 to 65535"
    return None


def _scheme_problem(parts: SplitResult) -> str | None:
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        return "use https:// (http:// only for localhost)"
    return None
