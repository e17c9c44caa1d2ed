"""What the Pulumi CLI reads from ``Pulumi.yaml`` and the stack file, checked before it runs.

The CLI takes the backend from ``PULUMI_BACKEND_URL``, else from ``Pulumi.yaml``'s ``backend.url``,
and the secrets provider with its data key (``secretsprovider``, ``encryptedkey``) from the stack
file. A stack file without ``encryptedkey`` makes every ``preview`` and ``up`` generate a new data
key (``kms:Encrypt``) and rewrite the file, so the workflows run ``genesys-oauth-secrets check``
first: it stops them with one line naming the fix, and hands them the backend, named in
``Pulumi.yaml`` only. The tests use the same checks on the committed files.
"""
