"""The rules for every name and number the backend tools accept, each a full match.

``re.match`` with ``$`` accepts a trailing newline (``ivr-integration\\n``) and ``\\d`` accepts
any Unicode digit; every rule here is ``re.fullmatch`` over ASCII classes, so what passes is
exactly what AWS or Pulumi would take, and a value printed into a suggested shell command
cannot carry a line break or a quote. Sources of the rules:

- bucket names: AWS's general-purpose bucket naming rules (3-63 characters, lowercase letters,
  digits, dots and hyphens, letter or digit at both ends, no ``..``, not an IP address, the
  reserved prefixes and suffixes);
- KMS aliases: ``alias/`` then letters, digits, ``/ _ -``, at most 256 in all, not under
  ``alias/aws/`` (AWS-managed keys);
- stack and project names: pulumi/pulumi ``sdk/go/common/tokens/stack_name.go``
  (``ParseStackName``) and ``project.go`` (``ValidateProjectName``): 1-100 characters of
  ``A-Za-z0-9_.-``;
- regions: AWS region names (``eu-west-1``, ``us-gov-west-1``), lowercase;
- GitHub repositories, ``OWNER/REPO``: an owner is 1-39 letters, digits and hyphens, not
  starting with a hyphen (GitHub's sign-up rule, which also refuses a trailing or doubled
  hyphen; older accounts may have those, so they pass); a repository name is 1-100 of
  ``A-Za-z0-9_.-``, not ``.`` or ``..`` (GitHub turns any other character into ``-``). The
  value becomes an OIDC subject in a role's trust policy, so no ``:``, ``*`` or ``/`` may
  widen or shift it. Repositories created (renamed, transferred) after July 15, 2026, or opted
  in, get the immutable subject ``repo:OWNER@OWNER-ID/REPO@REPO-ID:…`` (github/docs
  ``content/actions/reference/security/oidc.md``, "Immutable subject claims"): both ids, digits
  only, or neither.

Errors quote the value escaped and shortened (a control character or a megabyte of input
cannot reach the terminal) and say what would be accepted.
"""

from __future__ import annotations

import ipaddress
import re

from genesys_credentials.safe_text import printable
from genesys_oauth_secrets.shared.errors import UsageError

SHOWN = 80
"""Characters of a rejected value quoted back."""

_BUCKET_CHARS = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", re.ASCII)
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_ALIAS = re.compile(r"alias/[a-zA-Z0-9/_-]{1,250}", re.ASCII)
_PULUMI_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}", re.ASCII)
_REGION = re.compile(r"[a-z]{2}(?:-[a-z0-9]{1,16}){2,4}", re.ASCII)
_NUMBER = re.compile(r"[0-9]{1,12}", re.ASCII)
_GITHUB_REPO = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9-]{0,38}(@[0-9]{1,20})?/[A-Za-z0-9_.-]{1,100}(?(1)@[0-9]{1,20})",
    re.ASCII,
)


def shown(value: str) -> str:
    """``value`` quoted for a message: escaped, bounded."""
    return f"'{printable(value, SHOWN)}'"


def validate_bucket_name(name: str) -> None:
    """AWS's general-purpose bucket naming rules, checked before any call is made."""
    problems = []
    if not _BUCKET_CHARS.fullmatch(name):
        problems.append(
            "3-63 characters of lowercase letters, digits, dots and hyphens, starting and "
            "ending with a letter or digit"
        )
    if ".." in name:
        problems.append("no two adjacent dots")
    try:
        ipaddress.ip_address(name)
        problems.append("not an IP address")
    except ValueError:
        pass
    problems += [f"must not start with {p}" for p in _RESERVED_PREFIXES if name.startswith(p)]
    problems += [f"must not end with {s}" for s in _RESERVED_SUFFIXES if name.endswith(s)]
    if problems:
        raise UsageError(f"invalid bucket name {shown(name)}: " + "; ".join(problems))


def validate_alias(alias: str, flag: str) -> None:
    """KMS alias syntax; ``alias/aws/`` is reserved for AWS-managed keys."""
    if not _ALIAS.fullmatch(alias) or alias.startswith("alias/aws/"):
        raise UsageError(
            f"{flag} {shown(alias)} is not a usable KMS alias: use alias/<letters, digits, "
            "/ _ ->, at most 256 characters, not under alias/aws/"
        )


def is_pulumi_name(name: str) -> bool:
    """A stack or project name as Pulumi parses it (``ParseStackName``/``ValidateProjectName``),
    less ``.`` and ``..``, which would name a directory rather than a stack file: the one rule
    every command checks ``--stack`` against."""
    return _PULUMI_NAME.fullmatch(name) is not None and name not in {".", ".."}


def validate_pulumi_name(name: str, flag: str) -> None:
    """``is_pulumi_name`` or a ``UsageError`` naming ``flag`` and the rule."""
    if not is_pulumi_name(name):
        raise UsageError(
            f"{flag} {shown(name)} is not a Pulumi name: 1-100 characters of letters, digits, "
            "'-', '_' and '.' (the bare name, e.g. prod, not organization/<project>/prod)"
        )


def validate_region(region: str) -> None:
    """An AWS region name such as ``eu-west-1`` (no spaces, capitals or line breaks)."""
    if not _REGION.fullmatch(region):
        raise UsageError(f"{shown(region)} is not an AWS region name: pass --region like eu-west-1")


def validate_github_repo(repo: str) -> None:
    """``OWNER/REPO`` as GitHub names a repository, or ``OWNER@ID/REPO@ID`` as its immutable
    OIDC subject does (see the module's sources)."""
    if not _GITHUB_REPO.fullmatch(repo) or repo.split("/")[1].partition("@")[0] in {".", ".."}:
        raise UsageError(
            f"--github-repo {shown(repo)} is not a GitHub repository: give OWNER/REPO as in "
            "its URL, e.g. acme/genesys-oauth-secrets (owner: letters, digits, '-'; "
            "repository: letters, digits, '-', '_', '.'), or OWNER@OWNER_ID/REPO@REPO_ID when "
            "the repository's OIDC subjects carry the ids (e.g. acme@123456/genesys-oauth-secrets@"
            "456789)"
        )


def bounded_number(text: str, flag: str, low: int, high: int) -> int:
    """An integer written in ASCII digits, between ``low`` and ``high``."""
    if not _NUMBER.fullmatch(text) or not low <= int(text) <= high:
        raise UsageError(f"{flag} {shown(text)}: give a whole number from {low} to {high}")
    return int(text)
