"""The policy pack the engine starts: ``python -u -m pulumi.policy <engine address> <this dir>``.

Pulumi's runner executes this file with the pack directory first on ``sys.path`` (so
``guardrails`` imports), in the pack's own virtualenv (``PulumiPolicy.yaml``). ``PolicyPack``
serves the Analyzer gRPC API on a loopback port it prints on stdout, then blocks until the engine
stops it. Every policy is mandatory unless the stack's pack config downgrades an
``advisory-safe`` one (docs/policy-pack.md).
"""

from guardrails.catalog import PACK_NAME, POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(name=PACK_NAME, policies=POLICIES, enforcement_level=EnforcementLevel.MANDATORY)
