"""What the engine would send a policy pack for one captured program run.

For each registered resource the engine calls ``Analyze`` with its inputs, then, once every
resource is done, ``AnalyzeStack`` with the outputs of all of them, the root
``pulumi:pulumi:Stack`` carrying the stack's exports (pulumi/pulumi
``pkg/resource/deploy/step_generator.go``: ``analyzeAll`` and ``AnalyzeResources``). Properties
keep their secret envelopes (``MarshalProperties`` with ``KeepSecrets``,
``pkg/resource/plugin/analyzer_plugin.go``); the SDK unwraps them for the validators. Outputs the
resource lists in ``additionalSecretOutputs`` are sealed as the engine stores them.

Not reproduced: the provider's ``Check`` (the engine analyzes checked inputs, which may add
provider defaults), default providers (the engine registers those itself) and dependencies; no
guardrail reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from offline_plan.engine import ProgramRun, Registration, seal_outputs
from offline_plan.policy_pack import RunningPolicyPack


def to_struct(properties: Mapping[str, Any]) -> struct_pb2.Struct:
    """JSON-shaped properties as the protobuf Struct the engine marshals."""
    return json_format.ParseDict(dict(properties), struct_pb2.Struct())


def resource_options(
    *, parent: str, additional_secret_outputs: list[str], protect: bool = False
) -> analyzer_pb2.AnalyzerResourceOptions:
    """Options as the engine marshals them (it always sends custom timeouts, zero by default)."""
    return analyzer_pb2.AnalyzerResourceOptions(
        parent=parent,
        protect=protect,
        additionalSecretOutputs=additional_secret_outputs,
        customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(),
    )


def _options(registration: Registration) -> analyzer_pb2.AnalyzerResourceOptions:
    return resource_options(
        parent=registration.parent,
        additional_secret_outputs=registration.additional_secret_outputs,
        protect=registration.protect,
    )


def _provider(
    run: ProgramRun, registration: Registration
) -> analyzer_pb2.AnalyzerProviderResource | None:
    """The explicit provider the resource names (``<urn>::<id>``), with its inputs; None for a
    default provider, which the engine registers itself and the capture never sees."""
    provider_urn = registration.provider.rpartition("::")[0]
    for candidate in run.registrations:
        if candidate.urn == provider_urn:
            return analyzer_pb2.AnalyzerProviderResource(
                type=candidate.type,
                name=candidate.name,
                urn=candidate.urn,
                properties=to_struct(candidate.inputs),
            )
    return None


def analyze_request(run: ProgramRun, registration: Registration) -> analyzer_pb2.AnalyzeRequest:
    """The ``Analyze`` request for one registration: its inputs, envelopes kept."""
    return analyzer_pb2.AnalyzeRequest(
        type=registration.type,
        name=registration.name,
        urn=registration.urn,
        properties=to_struct(registration.inputs),
        options=_options(registration),
        provider=_provider(run, registration),
    )


def _outputs(run: ProgramRun, registration: Registration) -> struct_pb2.Struct:
    if registration.custom:
        state = run.monitor.resources[registration.urn].state
        outputs = to_struct(state)
        seal_outputs(outputs, registration.additional_secret_outputs)
        return outputs
    return to_struct(run.monitor.outputs.get(registration.urn, {}))


def analyze_stack_request(run: ProgramRun) -> analyzer_pb2.AnalyzeStackRequest:
    """The ``AnalyzeStack`` request at the end of the run: every resource with its outputs."""
    return analyzer_pb2.AnalyzeStackRequest(
        resources=[
            analyzer_pb2.AnalyzerResource(
                type=registration.type,
                name=registration.name,
                urn=registration.urn,
                parent=registration.parent,
                properties=_outputs(run, registration),
                options=_options(registration),
                provider=_provider(run, registration),
            )
            for registration in run.registrations
        ]
    )


def analyze_run(pack: RunningPolicyPack, run: ProgramRun) -> list[analyzer_pb2.AnalyzeDiagnostic]:
    """Every diagnostic the pack reports for ``run``, in the engine's order."""
    diagnostics: list[analyzer_pb2.AnalyzeDiagnostic] = []
    for registration in run.registrations:
        diagnostics.extend(pack.analyze(analyze_request(run, registration)).diagnostics)
    diagnostics.extend(pack.analyze_stack(analyze_stack_request(run)).diagnostics)
    return diagnostics
