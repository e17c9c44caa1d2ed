"""The guardrails policy pack (``policy/``), started the way the Pulumi engine starts it.

The engine's Python language host runs ``python -u -m pulumi.policy <engine address> <pack dir>``
with the python of the pack's virtualenv, in the pack directory, and exports
``PULUMI_PROJECT``/``PULUMI_STACK``/``PULUMI_DRY_RUN`` (pulumi/pulumi
``sdk/python/cmd/pulumi-language-python/main.go``, ``RunPlugin``). ``PolicyPack`` then serves the
Analyzer gRPC API on a loopback port it prints as the first stdout line (pulumi/pulumi-policy
``sdk/python/lib/pulumi_policy/policy.py``); the engine's first call is ``ConfigureStack``
(``pkg/resource/plugin/analyzer_plugin.go``). ``pulumi.policy``'s runner only parses the engine
address (``sdk/python/lib/pulumi/policy/__main__.py``); the pack would dial it only to log, and
ours never logs, so a placeholder stands in for the engine.

Tests and the offline plan use this to judge what the program sends with the real pack, over
the real wire. Every failure to start is one ``PolicyPackError`` line naming the fix.
"""

from __future__ import annotations

import os
import select
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO, Final

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

PACK_DIR: Final = Path(__file__).resolve().parents[2] / "policy"
ENGINE_ADDRESS: Final = "127.0.0.1:0"
"""Placeholder engine address: parsed by ``pulumi.policy``, never dialled by this pack."""

ORGANIZATION: Final = "organization"
"""What a DIY backend calls the organization (``pulumi.policy`` defaults to it too)."""

START_TIMEOUT_SECONDS: Final = 60.0
CALL_TIMEOUT_SECONDS: Final = 30.0
STDERR_TAIL_CHARS: Final = 2000


class PolicyPackError(Exception):
    """The pack could not be started or answered with an error."""


class RunningPolicyPack:
    """A running pack process and an Analyzer client connected to it.

    ``close`` ends it, so ``with contextlib.closing(start_policy_pack(...)) as pack`` stops the
    process however the block ends.
    """

    def __init__(self, process: subprocess.Popen[bytes], stderr: IO[bytes], port: int) -> None:
        self._process = process
        self._stderr = stderr
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)

    def info(self) -> analyzer_pb2.AnalyzerInfo:
        """``GetAnalyzerInfo``: the pack's name and its policies with their levels."""
        info: analyzer_pb2.AnalyzerInfo = self._stub.GetAnalyzerInfo(
            empty_pb2.Empty(), timeout=CALL_TIMEOUT_SECONDS
        )
        return info

    def configure_stack(self, request: analyzer_pb2.AnalyzerStackConfigureRequest) -> None:
        """``ConfigureStack``: the first call the engine makes after starting a pack."""
        self._stub.ConfigureStack(request, timeout=CALL_TIMEOUT_SECONDS)

    def configure(self, request: analyzer_pb2.ConfigureAnalyzerRequest) -> None:
        """``Configure``: per-policy enforcement levels and properties, as the engine sends them."""
        self._stub.Configure(request, timeout=CALL_TIMEOUT_SECONDS)

    def analyze(self, request: analyzer_pb2.AnalyzeRequest) -> analyzer_pb2.AnalyzeResponse:
        """``Analyze``: one resource's inputs, before the engine creates or updates it."""
        response: analyzer_pb2.AnalyzeResponse = self._stub.Analyze(
            request, timeout=CALL_TIMEOUT_SECONDS
        )
        return response

    def analyze_stack(
        self, request: analyzer_pb2.AnalyzeStackRequest
    ) -> analyzer_pb2.AnalyzeResponse:
        """``AnalyzeStack``: every resource's outputs at the end of the preview or update."""
        response: analyzer_pb2.AnalyzeResponse = self._stub.AnalyzeStack(
            request, timeout=CALL_TIMEOUT_SECONDS
        )
        return response

    def close(self) -> None:
        """Close the channel and end the pack process (the engine does the same when done)."""
        self._channel.close()
        self._process.terminate()
        try:
            self._process.wait(timeout=CALL_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._stderr.close()


def _tail(stderr: IO[bytes]) -> str:
    stderr.seek(0)
    return stderr.read().decode(errors="replace")[-STDERR_TAIL_CHARS:]


def _read_port(process: subprocess.Popen[bytes], stderr: IO[bytes], timeout: float) -> int:
    if process.stdout is None:
        raise PolicyPackError("policy pack started without a stdout pipe")
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([process.stdout], [], [], max(remaining, 0))
        if not ready:
            raise PolicyPackError(f"policy pack printed no port within {timeout} s")
        chunk = os.read(process.stdout.fileno(), 64)
        if not chunk:
            raise PolicyPackError(f"policy pack exited before printing its port: {_tail(stderr)}")
        line += chunk
    text = line.decode(errors="replace").strip()
    if not text.isdigit():
        raise PolicyPackError("policy pack's first stdout line is not a port number")
    return int(text)


def start_policy_pack(
    *,
    project: str,
    stack: str,
    dry_run: bool,
    pack_dir: Path = PACK_DIR,
    timeout: float = START_TIMEOUT_SECONDS,
) -> RunningPolicyPack:
    """Start the pack in ``pack_dir`` with its own virtualenv as the engine would."""
    python = pack_dir / "venv" / "bin" / "python"
    if not python.exists():
        raise PolicyPackError(f"{python} is missing: run `make install` to create policy/venv")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PULUMI_")}
    env |= {
        "PULUMI_PROJECT": project,
        "PULUMI_STACK": stack,
        "PULUMI_DRY_RUN": "true" if dry_run else "false",
    }
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - owned by the returned pack
    command = [str(python), "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, str(pack_dir)]
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        command,
        cwd=pack_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
    )
    try:
        port = _read_port(process, stderr, timeout)
    except BaseException:
        process.kill()
        process.wait()
        stderr.close()
        raise
    pack = RunningPolicyPack(process, stderr, port)
    stack_settings = analyzer_pb2.AnalyzerStackConfigureRequest(
        project=project, stack=stack, organization=ORGANIZATION, dry_run=dry_run
    )
    try:
        pack.configure_stack(stack_settings)
    except grpc.RpcError as error:
        pack.close()
        raise PolicyPackError(
            f"policy pack does not answer on port {port}: {error.code().name}"
        ) from None
    return pack
