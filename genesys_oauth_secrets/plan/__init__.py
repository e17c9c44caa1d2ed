"""The real program on an embedded engine: no CLI, no credentials, no network.

``engine`` records every request the Pulumi engine would receive from ``__main__.py``
(RegisterPackage, RegisterResource, RegisterResourceOutputs). The tests assert on those
requests; the offline plan (``genesys-oauth-secrets plan``) prints them for a person, so both read
the same wire. ``policy_pack`` starts the guardrails pack (``policy/``) as the engine does and
``analyzer_requests`` sends it what the engine would send for a run, so both can also judge a
run against the policies.
"""
