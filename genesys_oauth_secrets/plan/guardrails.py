"""The plan check that runs the guardrails policy pack (``policy/``) over a captured run.

``pulumi preview --policy-pack policy`` starts the pack, configures it with the stack's
``--policy-pack-config`` file and sends it every registration; a mandatory violation fails the
preview. The plan does the same offline, so a pull request sees a guardrail break before anyone
runs Pulumi: the pack is started as the engine starts it (``policy_pack``), configured from
``policy/config/<stack>.json`` when that file exists (``pack_config``), and sent what the engine
would send (``analyzer_requests``). Only mandatory diagnostics are findings: advisory ones, and
the SDK's "can't run during preview" notes, would not stop a preview either.

A finding names the policy and the resource's URN, never the pack's message: a policy message
may quote a property, and the plan prints no value. A pack that cannot start or answer is a
``PlanError`` (exit 2), never a clean plan.
"""

from __future__ import annotations

from pathlib import Path

import grpc
from pulumi.runtime.proto import analyzer_pb2

from genesys_oauth_secrets.plan.analyzer_requests import analyze_run
from genesys_oauth_secrets.plan.engine import PROJECT, ProgramRun
from genesys_oauth_secrets.plan.errors import PlanError
from genesys_oauth_secrets.plan.mocks import PlanMocks
from genesys_oauth_secrets.plan.pack_config import (
    PackConfigError,
    check_policy_names,
    engine_config,
    read_pack_config,
)
from genesys_oauth_secrets.plan.policy_pack import PACK_DIR, PolicyPackError, start_policy_pack


def _placeholders(run: ProgramRun) -> frozenset[str]:
    """The plan's stand-ins for provider-computed values: unknowns to the pack, as in a
    preview. A run on realistic fakes (the tests') has none."""
    mocks = run.provider_mocks
    return frozenset(mocks.placeholders) if isinstance(mocks, PlanMocks) else frozenset()


def pack_config_path(stack: str, pack_dir: Path = PACK_DIR) -> Path:
    """Where a stack's pack config lives (the file the workflows pass for ``prod``)."""
    return pack_dir / "config" / f"{stack}.json"


def guardrail_violations(run: ProgramRun, *, pack_dir: Path = PACK_DIR) -> list[str]:
    """One line per mandatory violation: ``<policy>: <urn>``, in the engine's order."""
    config_path = pack_config_path(run.stack, pack_dir)
    try:
        file_config = read_pack_config(config_path)
        with start_policy_pack(
            project=PROJECT, stack=run.stack, dry_run=True, pack_dir=pack_dir
        ) as pack:
            info = pack.info()
            policies = frozenset(policy.name for policy in info.policies)
            check_policy_names(config_path, file_config, policies)
            pack.configure(engine_config(info, file_config))
            diagnostics = analyze_run(pack, run, computed=_placeholders(run))
    except (PolicyPackError, PackConfigError) as error:
        raise PlanError(f"guardrails: {error}") from None
    except grpc.RpcError as error:
        raise PlanError(
            f"guardrails: the policy pack answered {error.code().name}; "
            "`make policy-test` shows which policy fails"
        ) from None
    return [
        f"{diagnostic.policyName}: {diagnostic.urn or run.stack_urn}"
        for diagnostic in diagnostics
        if diagnostic.enforcementLevel == analyzer_pb2.MANDATORY
    ]
