"""What one evaluation sent to the engine, arranged for a person (text) or a machine (JSON).

Everything here is read from the captured requests, never from the program's objects: the plan
shows what the engine would receive. Secret envelopes are reported by property name and their
values replaced by ``[secret]`` before anything is rendered, so no code path below can print
one.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from genesys_oauth_secrets.plan.client_inputs import client_input_lines
from genesys_oauth_secrets.plan.diff import Diff
from genesys_oauth_secrets.plan.documents import JsonDocument, json_document
from genesys_oauth_secrets.plan.engine import (
    ProgramRun,
    Registration,
    secret_envelope_paths,
    without_secret_envelopes,
)
from genesys_oauth_secrets.plan.guardrails import GuardrailsReport
from genesys_oauth_secrets.plan.planned_resource import PlannedResource

STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"


@dataclass(frozen=True)
class PlannedProvider(JsonDocument):
    """A provider the deployment would use: an explicit resource, or a package's default."""

    package: str
    version: str
    explicit: str | None
    """URN of the provider resource; None for the engine's default provider."""
    resources: int
    """How many custom resources use it."""


@dataclass(frozen=True)
class PlannedPackage(JsonDocument):
    """A RegisterPackage request: a parameterized package on a base plugin."""

    name: str
    version: str
    base_plugin: str
    base_plugin_version: str
    parameter: Any


@dataclass(frozen=True)
class Plan:
    """The whole plan of one stack."""

    project: str
    stack: str
    resources: tuple[PlannedResource, ...]
    providers: tuple[PlannedProvider, ...]
    packages: tuple[PlannedPackage, ...]
    outputs: dict[str, Any]
    diagnostics: tuple[str, ...] = ()
    guardrails: GuardrailsReport | None = None
    """The policy pack's verdict; None when the plan ran without it (tests only)."""
    diff: Diff | None = None
    """What changes against another git ref (``--against``); None without the flag."""

    @property
    def findings(self) -> tuple[str, ...]:
        """One ``<policy>: <urn>`` line per mandatory violation: what makes the plan exit 1."""
        violations = self.guardrails.violations if self.guardrails else ()
        return tuple(violation.summary for violation in violations)

    def to_json(self) -> dict[str, Any]:
        return json_document(self, findings=self.findings)

    def to_text(self) -> str:
        """The whole plan; with ``--against``, the changes instead of the resource tree."""
        if self.diff is None:
            return "\n".join(_text_lines(self))
        return "\n".join(_diff_text_lines(self, self.diff))


def _decoded_parameter(value: bytes) -> Any:
    """The package parameter as JSON when it is JSON (terraform-provider's is), else base64."""
    try:
        return json.loads(value.decode())
    except (UnicodeDecodeError, ValueError, RecursionError):
        return base64.b64encode(value).decode()


def _package_of(registration: Registration) -> str:
    if registration.type.startswith(PROVIDER_TYPE_PREFIX):
        return registration.type.removeprefix(PROVIDER_TYPE_PREFIX)
    return registration.type.split(":", 1)[0]


def _provider_urn(reference: str) -> str | None:
    """A provider reference is ``<urn>::<id>``; empty means the default provider."""
    return reference.rsplit("::", 1)[0] if reference else None


def _resources(run: ProgramRun) -> tuple[PlannedResource, ...]:
    """In URN order: the engine receives them concurrently, so arrival order varies by run."""
    planned = (
        PlannedResource(
            urn=registration.urn,
            type=registration.type,
            name=registration.name,
            parent=registration.parent or None,
            custom=registration.custom,
            provider=_provider_urn(registration.provider),
            protect=registration.protect,
            secret_inputs=tuple(secret_envelope_paths(registration.inputs)),
            secret_outputs=tuple(registration.additional_secret_outputs),
            inputs=without_secret_envelopes(registration.inputs),
            import_id=registration.import_id,
        )
        for registration in run.registrations
    )
    return tuple(sorted(planned, key=lambda resource: resource.urn))


def _providers(run: ProgramRun) -> tuple[PlannedProvider, ...]:
    custom = [
        r
        for r in run.registrations
        if r.custom and not r.type.startswith(PROVIDER_TYPE_PREFIX) and r.type != STACK_TYPE
    ]
    # A parameterized package's resources carry no version, only a reference to its package.
    package_versions = {package.name: package.version for package in _packages(run)}

    def version_of(registration: Registration) -> str:
        return registration.version or package_versions.get(_package_of(registration), "")

    providers = [
        PlannedProvider(
            _package_of(explicit),
            version_of(explicit),
            explicit.urn,
            sum(_provider_urn(r.provider) == explicit.urn for r in custom),
        )
        for explicit in run.registrations
        if explicit.type.startswith(PROVIDER_TYPE_PREFIX)
    ]
    defaults: dict[tuple[str, str], int] = {}
    for registration in custom:
        if not registration.provider:
            key = (_package_of(registration), version_of(registration))
            defaults[key] = defaults.get(key, 0) + 1
    providers += [
        PlannedProvider(package, version, None, count)
        for (package, version), count in defaults.items()
    ]
    return tuple(sorted(providers, key=lambda p: (p.package, p.version, p.explicit or "")))


def _packages(run: ProgramRun) -> tuple[PlannedPackage, ...]:
    return tuple(
        PlannedPackage(
            name=request.parameterization.name or request.name,
            version=request.parameterization.version or request.version,
            base_plugin=request.name,
            base_plugin_version=request.version,
            parameter=_decoded_parameter(request.parameterization.value),
        )
        for request in run.monitor.packages
    )


def build_plan(run: ProgramRun, *, project: str) -> Plan:
    """The plan of a finished run (``ProgramRun.evaluate`` returned)."""
    outputs = run.monitor.outputs.get(run.stack_urn, {})
    return Plan(
        project=project,
        stack=run.stack,
        resources=_resources(run),
        providers=_providers(run),
        packages=_packages(run),
        outputs=without_secret_envelopes(outputs),
        diagnostics=tuple(run.logs),
    )


def _tree(plan: Plan, parent: str | None, indent: str) -> Iterator[str]:
    children = sorted((r for r in plan.resources if r.parent == parent), key=lambda r: r.name)
    for index, resource in enumerate(children):
        last = index == len(children) - 1
        branch, carry = ("└─ ", "   ") if last else ("├─ ", "│  ")
        protected = "  [protected]" if resource.protect else ""
        yield f"{indent}{branch}{resource.type}  {resource.name}{protected}"
        detail = f"{indent}{carry}      "
        if resource.secret_inputs:
            yield f"{detail}secret inputs: {', '.join(resource.secret_inputs)}"
        if resource.secret_outputs:
            yield f"{detail}secret outputs: {', '.join(resource.secret_outputs)}"
        yield from _tree(plan, resource.urn, indent + carry)


def _text_lines(plan: Plan) -> Iterator[str]:
    custom = [r for r in plan.resources if r.custom]
    yield (
        f"Offline plan of {plan.project}, stack {plan.stack}: {len(plan.resources)} resources "
        f"({len(custom)} custom). Nothing was deployed; no credentials were used."
    )
    yield "Values only a provider knows are shown as <computed: resource.property>; secrets as"
    yield "[secret], never their value."
    yield ""
    yield "Clients (key inputs, as the engine would receive them):"
    yield from client_input_lines(plan.resources)
    yield ""
    yield "Resources (type  name):"
    roots = [r for r in plan.resources if r.parent is None]
    for root in roots:
        yield f"  {root.type}  {root.name}"
        yield from _tree(plan, root.urn, "  ")
    yield ""
    yield "Providers:"
    for provider in plan.providers:
        kind = (
            f"explicit provider '{provider.explicit.rsplit('::', 1)[-1]}'"
            if provider.explicit
            else "default provider"
        )
        yield (
            f"  {provider.package} {provider.version or '(no version)'}: {kind}, "
            f"{provider.resources} resource(s)"
        )
    yield ""
    yield "Packages registered:"
    if not plan.packages:
        yield "  (none)"
    for package in plan.packages:
        parameter = json.dumps(package.parameter, separators=(",", ":"))
        yield (
            f"  {package.name} {package.version} on plugin {package.base_plugin} "
            f"{package.base_plugin_version}, parameter {parameter}"
        )
    yield ""
    yield "Stack outputs:"
    for line in json.dumps(plan.outputs, indent=2, sort_keys=True).splitlines():
        yield f"  {line}"
    yield from _verdict_lines(plan)


def _diff_text_lines(plan: Plan, diff: Diff) -> Iterator[str]:
    yield (
        f"Offline plan of {plan.project}, stack {plan.stack}, against {diff.ref}. Nothing was "
        "deployed; no credentials were used; `plan` without --against shows the whole tree."
    )
    yield ""
    yield from diff.lines()
    yield from _verdict_lines(plan)


def _verdict_lines(plan: Plan) -> Iterator[str]:
    """What ends every plan, whole or against a ref: the program's warnings, the guardrails."""
    if plan.diagnostics:
        yield ""
        yield "Warnings the program logged:"
        for message in plan.diagnostics:
            yield f"  warning: {message}"
    if plan.guardrails is not None:
        yield ""
        yield from _guardrail_lines(plan.guardrails)


def _guardrail_lines(report: GuardrailsReport) -> Iterator[str]:
    yield report.line
    for violation in report.violations:
        yield f"  - {violation.policy} on {violation.urn.rsplit('::', 1)[-1]}"
        yield f"      urn: {violation.urn}"
        yield f"      why: {violation.reason}"
        yield f"      found: {violation.problem}"
        if violation.fix:
            yield f"      fix: {violation.fix}"
