"""The guardrails policy pack (``policy/``) over a captured run: how many policies judged it,
and each violation with its reason and fix.

``pulumi preview --policy-pack policy`` starts the pack, configures it with the stack's
``--policy-pack-config`` file and sends it every registration; a mandatory violation fails the
preview. The plan does the same offline, so a pull request sees a guardrail break before anyone
runs Pulumi: the pack is started as the engine starts it (``policy_pack``), configured from
``policy/config/<stack>.json`` when that file exists (``pack_config``), and sent what the engine
would send (``analyzer_requests``). Only mandatory diagnostics are violations: advisory ones, and
the SDK's "can't run during preview" notes, would not stop a preview either.

A violation carries what the CLI prints for it: the policy's description (why the rule exists,
then ``Fix: …``) and the specific problem the policy reported. The pack's policies never quote a
value (docs/policy-pack.md); the plan still replaces every secret the run holds with
``[secret]`` and drops control characters before it keeps a word of either, because the pack is
code that may change. A pack that cannot start or answer is a ``PlanError`` (exit 2), never a
clean plan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from pulumi.runtime.proto import analyzer_pb2

from genesys_oauth_secrets.plan.analyzer_requests import analyze_run
from genesys_oauth_secrets.plan.documents import JsonDocument
from genesys_oauth_secrets.plan.engine import PROJECT, ProgramRun, is_secret_envelope
from genesys_oauth_secrets.plan.errors import PlanError
from genesys_oauth_secrets.plan.mocks import PlanMocks
from genesys_oauth_secrets.plan.pack_config import (
    PackConfigError,
    check_policy_names,
    engine_config,
    read_pack_config,
)
from genesys_oauth_secrets.plan.policy_pack import PACK_DIR, PolicyPackError, start_policy_pack

MAX_TEXT = 600
"""A policy's description or message is a sentence or two; anything longer is cut."""
FIX_MARKER = " Fix: "
"""Every policy description ends with ``Fix: …`` (policy/guardrails/*.py)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Violation(JsonDocument):
    """One mandatory diagnostic: the policy, the resource, why, what is wrong, how to fix it."""

    policy: str
    urn: str
    reason: str
    """The policy's description up to its ``Fix:``: why the rule exists."""
    problem: str
    """What the policy found on this resource, with the specific remedy."""
    fix: str
    """The description's ``Fix:`` sentence."""

    @property
    def summary(self) -> str:
        return f"{self.policy}: {self.urn}"


@dataclass(frozen=True)
class GuardrailsReport(JsonDocument):
    """What the pack said about one run."""

    policies: int
    """Policies the pack declares and the stack's pack config leaves enabled."""
    disabled: int
    violations: tuple[Violation, ...]

    @property
    def line(self) -> str:
        """``guardrails: 15 policies, 0 violations``."""
        disabled = f" ({self.disabled} disabled by the pack config)" if self.disabled else ""
        count = len(self.violations)
        return (
            f"guardrails: {self.policies} policies{disabled}, "
            f"{count} violation{'' if count == 1 else 's'}"
        )


Guardrails = Callable[[ProgramRun], GuardrailsReport]
"""How the plan judges a run; tests pass another pack directory or none."""


def _placeholders(run: ProgramRun) -> frozenset[str]:
    """The plan's stand-ins for provider-computed values: unknowns to the pack, as in a
    preview. A run on realistic fakes (the tests') has none."""
    mocks = run.provider_mocks
    return frozenset(mocks.placeholders) if isinstance(mocks, PlanMocks) else frozenset()


def _envelope_values(value: Any) -> Iterator[Any]:
    if is_secret_envelope(value):
        yield value.get("value")
    elif isinstance(value, dict):
        for item in value.values():
            yield from _envelope_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _envelope_values(item)


def run_secrets(run: ProgramRun) -> frozenset[str]:
    """Every secret the pack was sent: secret inputs, and outputs named secret by the resource."""
    found: set[str] = set()
    for registration in run.registrations:
        found.update(_as_text(value) for value in _envelope_values(registration.inputs))
        if registration.custom and registration.urn in run.monitor.resources:
            state = run.monitor.resources[registration.urn].state
            found.update(
                _as_text(state[name])
                for name in registration.additional_secret_outputs
                if name in state
            )
    return frozenset(text for text in found if text)


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _unbounded_clean_text(text: str, secrets: frozenset[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "[secret]")
    return " ".join(_CONTROL.sub(" ", text).split())


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def clean_text(text: str, secrets: frozenset[str]) -> str:
    """``text`` fit for a terminal and a CI log: no secret, no control character, bounded."""
    return _bounded(_unbounded_clean_text(text, secrets))


def violation(diagnostic: analyzer_pb2.AnalyzeDiagnostic, secrets: frozenset[str]) -> Violation:
    """The diagnostic as the plan shows it, its description split into reason and fix."""
    description = clean_text(diagnostic.description, secrets)
    reason, _, fix = description.partition(FIX_MARKER.strip())
    # The SDK's message is the description followed by what the policy reported.
    # Bounded after the description is removed, or a long description would cut the problem.
    message = _unbounded_clean_text(diagnostic.message, secrets)
    full_description = _unbounded_clean_text(diagnostic.description, secrets)
    problem = _bounded(message.removeprefix(full_description).strip())
    return Violation(
        policy=clean_text(diagnostic.policyName, secrets),
        urn=diagnostic.urn,
        reason=reason.strip(),
        problem=problem,
        fix=fix.strip(),
    )


def pack_config_path(stack: str, pack_dir: Path = PACK_DIR) -> Path:
    """Where a stack's pack config lives (the file the workflows pass for ``prod``)."""
    return pack_dir / "config" / f"{stack}.json"


def run_guardrails(run: ProgramRun, *, pack_dir: Path = PACK_DIR) -> GuardrailsReport:
    """Judge ``run`` with the pack; violations in the engine's order."""
    config_path = pack_config_path(run.stack, pack_dir)
    try:
        file_config = read_pack_config(config_path)
        with closing(
            start_policy_pack(project=PROJECT, stack=run.stack, dry_run=True, pack_dir=pack_dir)
        ) as pack:
            info = pack.info()
            policies = frozenset(policy.name for policy in info.policies)
            check_policy_names(config_path, file_config, policies)
            configure = engine_config(info, file_config)
            pack.configure(configure)
            diagnostics = analyze_run(pack, run, computed=_placeholders(run))
    except (PolicyPackError, PackConfigError) as error:
        raise PlanError(f"guardrails: {error}") from None
    except grpc.RpcError as error:
        raise PlanError(
            f"guardrails: the policy pack answered {error.code().name}; "
            "`make policy-test` shows which policy fails"
        ) from None
    disabled = sum(
        entry.enforcementLevel == analyzer_pb2.DISABLED for entry in configure.policyConfig.values()
    )
    secrets = run_secrets(run)
    for diagnostic in diagnostics:
        diagnostic.urn = diagnostic.urn or run.stack_urn
    return GuardrailsReport(
        policies=len(policies) - disabled,
        disabled=disabled,
        violations=tuple(
            violation(diagnostic, secrets)
            for diagnostic in diagnostics
            if diagnostic.enforcementLevel == analyzer_pb2.MANDATORY
        ),
    )
