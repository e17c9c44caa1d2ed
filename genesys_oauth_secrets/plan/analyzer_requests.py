"""What the engine would send a policy pack for one captured program run.

For each registered resource the engine calls ``Analyze`` with its inputs, then, once every
resource is done, ``AnalyzeStack`` with the outputs of all of them, the root
``pulumi:pulumi:Stack`` carrying the stack's exports (pulumi/pulumi
``pkg/resource/deploy/step_generator.go``: ``analyzeAll`` and ``AnalyzeResources``). Properties
keep their secret envelopes (``MarshalProperties`` with ``KeepSecrets``,
``pkg/resource/plugin/analyzer_plugin.go``); the SDK unwraps them for the validators. Outputs the
resource lists in ``additionalSecretOutputs`` are sealed as the engine stores them.

A value the run marks as computed (the offline plan's placeholders) travels as the engine's
unknown, as a preview sends a value no provider has returned yet; policies skip unknowns.

Not reproduced: the provider's ``Check`` (the engine analyzes checked inputs, which may add
provider defaults), default providers (the engine registers those itself) and dependencies; no
guardrail reads them.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi.runtime.rpc import UNKNOWN

from genesys_oauth_secrets.plan.engine import ProgramRun, Registration, seal_outputs
from genesys_oauth_secrets.plan.policy_pack import RunningPolicyPack


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


def _mark_unknown(value: struct_pb2.Value, computed: Container[str]) -> None:
    kind = value.WhichOneof("kind")
    if kind == "string_value" and value.string_value in computed:
        value.string_value = UNKNOWN
    elif kind == "struct_value":
        for item in value.struct_value.fields.values():
            _mark_unknown(item, computed)
    elif kind == "list_value":
        for item in value.list_value.values:
            _mark_unknown(item, computed)


def with_unknowns(properties: struct_pb2.Struct, computed: Container[str]) -> struct_pb2.Struct:
    """``properties`` with every string in ``computed`` replaced by the engine's unknown."""
    for value in properties.fields.values():
        _mark_unknown(value, computed)
    return properties


def analyze_run(
    pack: RunningPolicyPack, run: ProgramRun, *, computed: Container[str] = frozenset()
) -> list[analyzer_pb2.AnalyzeDiagnostic]:
    """Every diagnostic the pack reports for ``run``, in the engine's order; strings in
    ``computed`` are sent as unknowns. A resource policy's diagnostic carries no URN (the SDK
    always reports against the analyzed resource: pulumi/pulumi-policy
    ``sdk/python/lib/pulumi_policy/policy.py``, ``ReportViolation``), so it gets that one's."""
    diagnostics: list[analyzer_pb2.AnalyzeDiagnostic] = []
    for registration in run.registrations:
        request = analyze_request(run, registration)
        with_unknowns(request.properties, computed)
        with_unknowns(request.provider.properties, computed)
        for diagnostic in pack.analyze(request).diagnostics:
            diagnostic.urn = diagnostic.urn or registration.urn
            diagnostics.append(diagnostic)
    stack = analyze_stack_request(run)
    for resource in stack.resources:
        with_unknowns(resource.properties, computed)
        with_unknowns(resource.provider.properties, computed)
    diagnostics.extend(pack.analyze_stack(stack).diagnostics)
    return diagnostics
