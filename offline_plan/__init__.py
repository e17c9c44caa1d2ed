"""The real program on an embedded engine: no CLI, no credentials, no network.

``engine`` records every request the Pulumi engine would receive from ``__main__.py``
(RegisterPackage, RegisterResource, RegisterResourceOutputs). The tests assert on those
requests; the offline plan (``python -m offline_plan``) prints them for a person, so both read
the same wire.
"""
