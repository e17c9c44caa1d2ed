"""``genesys-oauth-secrets demo``: the whole flow on a laptop, with no AWS account.

Starts moto in server mode on 127.0.0.1 (a free port unless ``--port``), pins fake credentials
and ``AWS_ENDPOINT_URL`` in this process so nothing can reach a real account, then runs the real
commands exactly as a user types them: bootstrap twice (the second changes nothing), write a
sample state and two locks, audit, clear the stale lock, and show bootstrap's check and --fix.
Then the service side: one client's secret written as the program writes it, read by
``genesys_credentials`` and exchanged for a token at a fake login host, and its age reported.
Every step is explained in one line; what the demo stages itself says so.

One emulator limit shapes the flow. moto speaks plain HTTP only and does not evaluate policy
conditions, so the bucket's "deny requests without TLS" statement denies every object request,
just as real S3 would deny a plain-HTTP client. The demo removes that statement before writing
objects and says so; bootstrap then reports it missing and ``--fix`` puts it back.
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import socket
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from components.secrets_key import alias_name
from genesys_oauth_secrets.audit.checkpoint import stack_key
from genesys_oauth_secrets.demo import service_side
from genesys_oauth_secrets.demo.fake_login import FakeLoginHost
from genesys_oauth_secrets.demo.sample_state import PROJECT, STACK, build_state, lock_content
from genesys_oauth_secrets.shared.aws import ENDPOINT_ENV, connect
from genesys_oauth_secrets.shared.backend_baseline import (
    TLS_STATEMENT_ID,
    BootstrapSettings,
    next_steps,
)
from genesys_oauth_secrets.shared.errors import BackendError

DEMO_BUCKET = "genesys-oauth-secrets-state-demo"
DEMO_REGION = "us-east-1"
FAKE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": DEMO_REGION,
    "AWS_DEFAULT_REGION": DEMO_REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}
"""Overrides whatever the shell has: the demo must never sign a request with real credentials."""
DEAD_RUN_AGE = timedelta(hours=5)
S3_CLOCK_WAIT_SECONDS = 2


def _pin_environment(endpoint: str) -> None:
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        os.environ.pop(name, None)
    os.environ.update(FAKE_ENVIRONMENT)
    os.environ[ENDPOINT_ENV] = endpoint


def _remove_tls_statement(emit: Callable[[str], None]) -> None:
    """The emulator-only step: drop the TLS-only statement so plain-HTTP object calls work."""
    s3 = connect(DEMO_REGION).s3
    policy = json.loads(s3.get_bucket_policy(Bucket=DEMO_BUCKET)["Policy"])
    kept = [s for s in policy["Statement"] if s.get("Sid") != TLS_STATEMENT_ID]
    if kept:
        s3.put_bucket_policy(Bucket=DEMO_BUCKET, Policy=json.dumps({**policy, "Statement": kept}))
    else:
        s3.delete_bucket_policy(Bucket=DEMO_BUCKET)
    emit(
        f"emulator only: removed the {TLS_STATEMENT_ID} statement. moto is plain HTTP and "
        "ignores policy conditions, so it denies every object request under a TLS-only policy "
        "(real S3 over HTTPS does not)."
    )


def _write_sample_objects(emit: Callable[[str], None]) -> None:
    """What `pulumi up` leaves: meta.yaml and the state; plus a dead run's lock and a live one.

    The live lock names this very process, so it is provably alive on this host.
    """
    s3 = connect(DEMO_REGION).s3
    state = build_state()
    s3.put_object(Bucket=DEMO_BUCKET, Key=".pulumi/meta.yaml", Body=b"version: 1\n")
    s3.put_object(Bucket=DEMO_BUCKET, Key=stack_key(PROJECT, STACK), Body=state.to_bytes())
    now = datetime.now(UTC)
    prefix = f".pulumi/locks/organization/{PROJECT}/{STACK}/"
    for name, pid, host, when in (
        ("0b1e6a52-5c1d-4f7e-9a3b-2d8c7e6f5a41", 31337, "ci-runner-7", now - DEAD_RUN_AGE),
        ("9f3c2d10-7a4b-4c8e-b1d2-3e4f5a6b7c8d", os.getpid(), socket.gethostname(), now),
    ):
        body = lock_content(pid=pid, username="deployer", hostname=host, timestamp=when.isoformat())
        s3.put_object(Bucket=DEMO_BUCKET, Key=f"{prefix}{name}.json", Body=body)
    emit(
        f"wrote the sample state of {len(state.client_secrets)} clients "
        f"({len(state.resources)} resources), a lock left by a dead CI run and one held by "
        "this demo process"
    )


Invoke = Callable[[list[str]], int]
"""Runs one ``genesys-oauth-secrets`` command line; the front door hands it in, so the demo
runs the very commands a user types without importing the other tools."""


def _step(
    title: str, argv: list[str], expected: int, emit: Callable[[str], None], invoke: Invoke
) -> None:
    emit("")
    emit(f"== {title}")
    emit(f"$ genesys-oauth-secrets {' '.join(argv)}")
    code = invoke(argv)
    if code != expected:
        raise BackendError(f"demo step {title!r} exited {code}, expected {expected}")


def _service_side(emit: Callable[[str], None], invoke: Invoke) -> None:
    """A client's secret as ``pulumi up`` writes it, read by a service, and its age."""
    emit("")
    emit("== the service side: what `pulumi up` leaves in Secrets Manager, read as a service")
    arn, client_id, client_secret = service_side.write_client_secret(DEMO_REGION, STACK)
    emit(
        f"wrote secret {arn} as the program does: the credentials document of OAuth client "
        f"{service_side.CLIENT_NAME}, encrypted with the stack's key "
        f"{alias_name(STACK)} (the client secret is random and never printed)"
    )
    with closing(FakeLoginHost(client_id, client_secret)) as login:
        emit(f"a fake Genesys login host answers the client-credentials grant on {login.token_url}")
        del client_secret
        read = service_side.read_as_a_service(arn, login)
    if read.client_id != client_id or read.tokens_issued != 1:
        raise BackendError("demo step 'read as a service' did not get exactly one token")
    emit(
        f"the credentials helper read the secret by ARN (client id {read.client_id}, API "
        f"{read.api_base_url}) and got an access token: the service's successful read"
    )
    with TemporaryDirectory(prefix="genesys-oauth-secrets-demo-") as directory:
        service_side.write_stack_file(Path(directory), PROJECT, STACK, DEMO_REGION)
        emit(f"a stack file in {directory} declares the client with maxAgeDays 90")
        _step(
            "how old is each client's current secret (metadata only, never the value)",
            ["age", "--stack", STACK, "--dir", directory],
            0,
            emit,
            invoke,
        )


def follow_up_lines(endpoint: str) -> list[str]:
    """What to type in another shell while the emulator runs, with this venv's command.

    The command is named by its path beside the interpreter running the demo: a shell without
    the venv activated has no ``genesys-oauth-secrets`` on its PATH.
    """
    command = shlex.quote(str(Path(sys.executable).with_name("genesys-oauth-secrets")))
    repository = shlex.quote(str(Path(__file__).resolve().parents[2]))
    settings = BootstrapSettings(bucket=DEMO_BUCKET, region=DEMO_REGION, stack=STACK)
    return [
        "the emulator stays up; in another shell:",
        f"  cd {repository}",
        f"  export {ENDPOINT_ENV}={endpoint}",
        "  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing "
        f"AWS_REGION={DEMO_REGION}",
        f"  {command} audit --bucket {DEMO_BUCKET}",
        f"  {command} locks --bucket {DEMO_BUCKET}",
        "with the Pulumi CLI installed, a stack on the emulated backend:",
        *(f"  {line}" for line in next_steps(settings, endpoint)[1:]),
    ]


def run(*, port: int, keep_running: bool, emit: Callable[[str], None], invoke: Invoke) -> int:
    """Run the flow; with ``keep_running``, serve until Ctrl-C for hands-on use."""
    try:
        from moto.server import ThreadedMotoServer  # noqa: PLC0415 - development dependency
    except ImportError as error:
        raise BackendError(
            "the demo needs moto[server]: run `make install` (or `pip install 'moto[server]'`)"
        ) from error

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound = server.get_host_and_port()
    endpoint = f"http://{host}:{bound}"
    _pin_environment(endpoint)
    emit(f"moto is serving S3, KMS, STS and Secrets Manager on {endpoint} with fake credentials")
    bucket = ["--bucket", DEMO_BUCKET]
    lock_args = ["locks", *bucket, "--project", PROJECT, "--stack", STACK]
    try:
        _step("bootstrap", ["bootstrap", *bucket, "--region", DEMO_REGION], 0, emit, invoke)
        _step(
            "bootstrap again: nothing to do",
            ["bootstrap", *bucket, "--region", DEMO_REGION],
            0,
            emit,
            invoke,
        )
        emit("")
        _remove_tls_statement(emit)
        _write_sample_objects(emit)
        _step("audit the state in the bucket", ["audit", *bucket], 0, emit, invoke)
        _step("list the locks", lock_args, 0, emit, invoke)
        _step(
            "clear locks older than 2h: none; the dead run's lock claims 5h, but S3 wrote it "
            "seconds ago and the younger clock decides",
            [*lock_args, "--clear-stale", "--older-than", "2h", "--yes"],
            0,
            emit,
            invoke,
        )
        time.sleep(S3_CLOCK_WAIT_SECONDS)
        _step(
            "clear locks older than 1s: the dead run's goes, the live process's stays",
            [*lock_args, "--clear-stale", "--older-than", "1s", "--yes"],
            0,
            emit,
            invoke,
        )
        _step(
            "bootstrap checks an existing bucket: the VIOLATION below is staged (the demo "
            "removed the TLS statement above); on a real bucket it means someone changed it",
            ["bootstrap", *bucket, "--region", DEMO_REGION],
            1,
            emit,
            invoke,
        )
        _step(
            "bootstrap --fix",
            ["bootstrap", *bucket, "--region", DEMO_REGION, "--fix"],
            0,
            emit,
            invoke,
        )
        _service_side(emit, invoke)
        emit("")
        emit("demo complete: every step behaved as expected")
        if not keep_running:
            emit("the emulator has stopped; rerun with --keep-running to try the commands by hand")
        else:
            _remove_tls_statement(emit)
            for line in follow_up_lines(endpoint):
                emit(line)
            emit("press Ctrl-C to stop")
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                emit("stopped")
    finally:
        server.stop()
    return 0
