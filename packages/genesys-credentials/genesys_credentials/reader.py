"""Read the credentials from Secrets Manager at most once per TTL window, from any thread.

A service asks for its credentials on every request; Secrets Manager bills and throttles per
call, so the parsed value is kept for ``ttl`` seconds (AWS's own caching guidance for
GetSecretValue). The clock is injectable so tests and the benchmark can walk through TTL windows
without waiting. Throttling and transient errors are retried by botocore's ``standard`` retry
mode (jittered exponential backoff, a retry quota); what still fails becomes a
:class:`~genesys_credentials.errors.SecretUnavailable` that names the secret and the fix.

Rejections: :meth:`CredentialsReader.refresh` is what the token client calls when Genesys
rejects the cached credentials. During a regenerate rotation the old secret dies before
``pulumi up`` writes the new version, so the reader re-reads with backoff for up to
``rotation_wait`` seconds until the document holds other credentials: the rotation costs the
caller latency instead of a failure. Credentials still rejected after that wait (a deactivated
or deleted client) are remembered: within the ``ttl`` window later rejections neither wait nor
read again, and after it they read once without waiting, so a rejected client costs at most one
extra GetSecretValue per window, however often the service asks. Documents are compared by a
keyed fingerprint, never by a second plaintext copy.

Regions: a stack with ``replicaRegions`` keeps a replica of each secret, under the same name, in
other regions. Given ``regions``, the reader asks them in that order and takes the first that
answers, so a service keeps its credentials while its primary region is down. A region that
answers with a malformed document is not skipped: every replica holds the same document, so the
next one would be just as wrong, and the message must say so rather than hide it.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
)

from genesys_credentials import botocore_logs
from genesys_credentials.credentials import GenesysCredentials, fingerprint, parse_document
from genesys_credentials.errors import (
    CredentialsError,
    InvalidArgument,
    MalformedSecret,
    SecretAccessDenied,
    SecretUnavailable,
)

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

LOG = logging.getLogger(__name__)

DEFAULT_TTL = 300.0
"""Five minutes: a rotated secret reaches every reader within one window."""
DEFAULT_MAX_ATTEMPTS = 5
"""botocore's attempts per call (first try included) before a throttled read gives up."""
MAX_TTL = 86400.0
"""A day: a longer cache would hide a rotation from the service for longer than any policy."""
MAX_ATTEMPTS = 20
DEFAULT_ROTATION_WAIT = 30.0
"""How long a rejected reader waits for a new document: the regenerate rotation writes the new
version seconds after the old secret dies (see docs/rotation.md)."""
MAX_ROTATION_WAIT = 300.0
"""Five minutes: no request handler should hang longer waiting for a rotation to land."""
FIRST_RECHECK = 0.25
LONGEST_RECHECK = 1.0
"""Re-reads while waiting come 0.25, 0.5, then every 1 s: a new version is seen at most a second
after it is written, for about 30 GetSecretValue calls in a full 30 s wait."""

ACCESS_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied"})
THROTTLING_CODES = frozenset(
    {"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"}
)

SECRET_ARN = re.compile(
    r"arn:[a-z-]{1,16}:secretsmanager:(?P<region>[a-z0-9-]{1,32}):[0-9]{12}:secret:", re.ASCII
)
REGION_NAME = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]{1,2}", re.ASCII)
"""An AWS region's name (``us-east-1``, ``ap-southeast-2``, ``us-gov-west-1``)."""
MAX_REGIONS = 10
"""More regions than any replica set needs: each costs one failed call before the next."""

Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class _Entry:
    credentials: GenesysCredentials
    expires_at: float
    fingerprint: bytes


@dataclass(frozen=True)
class _Rejected:
    """Credentials that were still rejected after a full wait, and until when to believe it."""

    fingerprint: bytes
    until: float


class CredentialsReader:
    """``CredentialsReader(secret_arn).get()``: typed credentials, cached for ``ttl`` seconds.

    One reader per secret per process; share it between threads. ``ttl=0`` disables caching
    (and with it the memory of rejected credentials).
    """

    def __init__(
        self,
        secret_id: str,
        *,
        ttl: float = DEFAULT_TTL,
        clock: Clock = time.monotonic,
        client: SecretsManagerClient | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        rotation_wait: float = DEFAULT_ROTATION_WAIT,
        sleep: Sleep = time.sleep,
        regions: Sequence[str] = (),
    ) -> None:
        """``secret_id`` is the secret's ARN (its region is taken from it) or name.

        ``regions`` (the primary's, then the stack's ``replicaRegions``, in the order to try)
        reads the same secret in each region in turn until one answers; an ARN is rewritten to
        each region. Without it the reader reads one region, as before.

        Without ``client`` one is built with botocore's standard retry mode and ``max_attempts``;
        the endpoint follows boto3's usual resolution (``AWS_ENDPOINT_URL`` included).
        ``rotation_wait`` bounds the time :meth:`refresh` sleeps waiting for a rotated document
        (0: read once, never wait); ``sleep`` is injectable so tests move a fake clock instead.
        """
        if not secret_id:
            raise InvalidArgument("secret_id must be the secret's ARN or name, not empty")
        if not 0 <= ttl <= MAX_TTL:
            raise InvalidArgument(f"ttl must be 0 to {MAX_TTL:g} seconds, not {ttl!r}")
        if not 1 <= max_attempts <= MAX_ATTEMPTS:
            raise InvalidArgument(f"max_attempts must be 1 to {MAX_ATTEMPTS}, not {max_attempts!r}")
        if not 0 <= rotation_wait <= MAX_ROTATION_WAIT:
            raise InvalidArgument(
                f"rotation_wait must be 0 to {MAX_ROTATION_WAIT:g} seconds, not {rotation_wait!r}"
            )
        if regions and client is not None:
            raise InvalidArgument(
                "pass either client (one region) or regions (one client per region), not both"
            )
        _check_regions(regions)
        botocore_logs.install()
        self._secret_id = secret_id
        self._ttl = ttl
        self._clock = clock
        self._rotation_wait = rotation_wait
        self._sleep = sleep
        self._key = secrets.token_bytes(32)
        self._rejected: _Rejected | None = None
        self._handed = threading.local()
        """The fingerprint of what each thread was last given: what a 401 it reports rejected."""
        self._sources = tuple(
            (_in_region(secret_id, region), _secretsmanager_client(region, max_attempts))
            for region in regions
        ) or ((secret_id, client or _secretsmanager_client(_arn_region(secret_id), max_attempts)),)
        """Where to read, in order: the secret's id in each region and that region's client."""
        self._lock = threading.Lock()
        self._entry: _Entry | None = None

    @property
    def secret_id(self) -> str:
        """The ARN or name this reader reads."""
        return self._secret_id

    @property
    def client(self) -> SecretsManagerClient:
        """The boto3 client (the first region's), e.g. to register event hooks for metrics."""
        return self._sources[0][1]

    @property
    def clients(self) -> Mapping[str, SecretsManagerClient]:
        """Each region's client, by region name, in the order they are tried."""
        return {client.meta.region_name: client for _, client in self._sources}

    @property
    def secret_ids(self) -> Sequence[str]:
        """The secret's id in each region, in the order they are tried."""
        return [secret_id for secret_id, _ in self._sources]

    def get(self) -> GenesysCredentials:
        """The credentials, from the cache while it is fresh, else from Secrets Manager."""
        entry = self._entry
        if entry is None or self._clock() >= entry.expires_at:
            with self._lock:
                entry = self._entry
                if entry is None or self._clock() >= entry.expires_at:
                    entry = self._fetch()
        self._handed.fingerprint = entry.fingerprint
        return entry.credentials

    def refresh(self) -> GenesysCredentials:
        """Credentials other than the ones :meth:`get` gave this thread, which Genesys rejected.

        Reads the secret now; while it still holds those credentials, re-reads with backoff
        for up to ``rotation_wait`` seconds, since a regenerate rotation writes the new version
        only after the old secret died. Returns the same credentials when none came: then, until
        the ``ttl`` window ends, calls for those credentials return at once without reading, and
        after it they read once more without waiting again. Callers rejected together share one
        wait: a caller that finds the document changed while it queued takes the new credentials
        without reading.
        """
        rejected: bytes | None = getattr(self._handed, "fingerprint", None)
        with self._lock:
            entry = self._entry
            if entry is None:
                entry = self._fetch()
            elif entry.fingerprint == (rejected or entry.fingerprint):
                entry = self._after_rejection(entry)
        self._handed.fingerprint = entry.fingerprint
        return entry.credentials

    def _after_rejection(self, rejected: _Entry) -> _Entry:
        """Wait for other credentials than ``rejected``, unless they were waited for already:
        then nothing within the window they were last read in, and one read after it."""
        known = self._rejected
        if known is None or known.fingerprint != rejected.fingerprint:
            return self._await_rotation(rejected.fingerprint, self._rotation_wait)
        if self._clock() >= known.until:
            return self._await_rotation(rejected.fingerprint, 0.0)
        return rejected

    def _await_rotation(self, rejected: bytes, budget: float) -> _Entry:
        """Re-read until the document holds other credentials or ``budget`` seconds have passed.

        The budget bounds both the sleeps and the clock: the sleeps, so that a clock that does
        not move cannot make this loop forever; the clock, so that slow reads (a region that does
        not answer, failed over on every read) cannot stretch the wait to many times ``budget``.
        The last re-read may end past it by its own round trip.
        """
        started = self._clock()
        entry = self._fetch()
        slept = 0.0
        delay = FIRST_RECHECK
        while entry.fingerprint == rejected:
            left = budget - max(slept, self._clock() - started)
            if left <= 0:
                break
            pause = min(delay, left)
            self._sleep(pause)
            slept += pause
            delay = min(delay * 2, LONGEST_RECHECK)
            entry = self._fetch()
        if entry.fingerprint == rejected:
            self._rejected = _Rejected(rejected, self._clock() + self._ttl)
            LOG.warning(
                "%s still holds the credentials Genesys rejected after %.1f s of waiting for a "
                "rotation; not reading it again for them for %.0f s",
                self._secret_id,
                slept,
                self._ttl,
            )
        else:
            LOG.info("%s holds new credentials after %.1f s of waiting", self._secret_id, slept)
        return entry

    def invalidate(self) -> None:
        """Forget the cached value; the next :meth:`get` reads Secrets Manager."""
        with self._lock:
            self._entry = None

    def _fetch(self) -> _Entry:
        outcome = self._read_first_answer()
        credentials, version = outcome
        entry = _Entry(credentials, self._clock() + self._ttl, fingerprint(credentials, self._key))
        self._entry = entry
        LOG.debug(
            "read %s (version %s) for Genesys client %s; cached for %s s",
            self._secret_id,
            version,
            credentials.client_id,
            self._ttl,
        )
        return entry

    def _read_first_answer(self) -> tuple[GenesysCredentials, str]:
        """The first region's answer that is a document; the first failure when none is, with
        the regions tried (a secret given by name names none in its messages).

        Each skipped region is logged with its failure (never the document), so a primary that
        keeps failing is visible while the service still runs on a replica.
        """
        failures: list[CredentialsError] = []
        for secret_id, client in self._sources:
            outcome = _read(client, secret_id)
            if not isinstance(outcome, CredentialsError):
                return outcome
            if isinstance(outcome, MalformedSecret) or len(self._sources) == 1:
                raise outcome
            failures.append(outcome)
            LOG.warning(
                "could not read %s in %s; trying the next region: %s",
                secret_id,
                client.meta.region_name,
                outcome,
            )
        first = failures[0]
        others = "; ".join(str(failure) for failure in failures[1:])
        tried = ", ".join(client.meta.region_name for _, client in self._sources)
        raise type(first)(
            f"{first} (every region failed, tried in this order: {tried}; the others: {others})"
        ) from first

    def __repr__(self) -> str:
        return (
            f"CredentialsReader({self._secret_id!r}, ttl={self._ttl}, "
            f"rotation_wait={self._rotation_wait})"
        )


def _read(
    client: SecretsManagerClient, secret_id: str
) -> tuple[GenesysCredentials, str] | CredentialsError:
    """The parsed secret and its version id, or the failure to raise.

    Never raises: this frame holds the GetSecretValue response, the plaintext secret included,
    so it must not be part of any traceback.
    """
    try:
        response = client.get_secret_value(SecretId=secret_id)
    except ClientError as error:
        translated = _translate(error, secret_id)
        translated.__cause__ = error
        return translated
    except BotoCoreError as error:
        return SecretUnavailable(
            f"could not call Secrets Manager for {secret_id}: {_botocore_reason(error)}; check "
            "the network path to Secrets Manager (VPC endpoint, proxy) and the AWS credentials"
        )
    text: str | None = response.get("SecretString")
    if text is None:
        return MalformedSecret(
            f"secret {secret_id} holds SecretBinary, not SecretString: the credentials "
            "document is JSON text; re-run `pulumi up` to rewrite it"
        )
    parsed = parse_document(text, secret_id)
    if isinstance(parsed, MalformedSecret):
        return parsed
    return parsed, str(response.get("VersionId", "?"))


def _botocore_reason(error: BotoCoreError) -> str:
    """The text of a failure to connect or to find credentials; only the class name otherwise.

    A failure after the answer arrived (a parser error) may quote the body, which is the secret.
    """
    if isinstance(
        error, HTTPClientError | NoCredentialsError | NoRegionError | ParamValidationError
    ):
        return str(error)
    return type(error).__name__


def _secretsmanager_client(region: str | None, max_attempts: int) -> SecretsManagerClient:
    config = Config(
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        connect_timeout=5,
        read_timeout=10,
    )
    try:
        return boto3.session.Session(region_name=region).client("secretsmanager", config=config)
    except (BotoCoreError, ValueError) as error:
        raise InvalidArgument(
            f"cannot build a Secrets Manager client ({type(error).__name__}: {error}): check "
            "AWS_PROFILE, AWS_REGION and AWS_ENDPOINT_URL"
        ) from error


def _check_regions(regions: Sequence[str]) -> None:
    if isinstance(regions, str):
        raise InvalidArgument("regions must be a list of AWS region names, not one string")
    if not isinstance(regions, list | tuple):
        # A set would try the regions in no fixed order, a generator would be used up by these
        # checks, and anything else would fail with a TypeError that names no argument.
        raise InvalidArgument(
            f"regions must be a list of AWS region names, not a {type(regions).__name__}"
        )
    if len(regions) > MAX_REGIONS:
        raise InvalidArgument(f"regions may name at most {MAX_REGIONS} regions, not {len(regions)}")
    for region in regions:
        if not isinstance(region, str) or not REGION_NAME.fullmatch(region):
            raise InvalidArgument(
                f"regions must hold AWS region names such as us-east-1, not {region!r:.80}"
            )
    if len(set(regions)) != len(regions):
        raise InvalidArgument("regions names a region twice; list each region once")


def _in_region(secret_id: str, region: str) -> str:
    """The secret's id in ``region``: a name stays, an ARN gets the region swapped (a replica
    keeps its primary's name and suffix)."""
    match = SECRET_ARN.match(secret_id)
    if match is None:
        return secret_id
    return secret_id[: match.start("region")] + region + secret_id[match.end("region") :]


def _arn_region(secret_id: str) -> str | None:
    """``arn:aws:secretsmanager:<region>:<account>:secret:<name>`` → region; a name → None."""
    match = SECRET_ARN.match(secret_id)
    return match.group("region") if match else None


def _translate(error: ClientError, secret_id: str) -> CredentialsError:
    details = error.response.get("Error", {})
    code = str(details.get("Code", ""))
    message = str(details.get("Message", ""))
    region = _arn_region(secret_id) or "<region>"
    if code in ACCESS_DENIED_CODES:
        return SecretAccessDenied(
            f"access denied reading {secret_id} ({code}: {message}): the service's IAM role "
            "needs secretsmanager:GetSecretValue on this secret and kms:Decrypt on the secret's "
            f"KMS key, with the condition kms:ViaService = secretsmanager.{region}.amazonaws.com"
        )
    if code == "DecryptionFailure":
        return SecretAccessDenied(
            f"Secrets Manager could not decrypt {secret_id} ({code}: {message}): check that the "
            "secret's KMS key is enabled and that the service's role has kms:Decrypt on it "
            f"(condition kms:ViaService = secretsmanager.{region}.amazonaws.com)"
        )
    if code == "ResourceNotFoundException":
        return SecretUnavailable(
            f"secret {secret_id} does not exist: check the ARN against the stack output "
            "clients[<name>].secret_arn and the region, and that `pulumi up` has run"
        )
    if code == "InvalidRequestException":
        return SecretUnavailable(
            f"secret {secret_id} cannot be read ({message}): if it is scheduled for deletion, "
            "restore it with `aws secretsmanager restore-secret` or re-run `pulumi up`"
        )
    if code in THROTTLING_CODES:
        return SecretUnavailable(
            f"Secrets Manager kept throttling GetSecretValue on {secret_id} ({code}) through "
            "every retry: share one CredentialsReader per secret in the process and keep its "
            "ttl in minutes, not seconds"
        )
    return SecretUnavailable(f"GetSecretValue on {secret_id} failed: {code}: {message}")
