"""The Pulumi side of genesys-oauth-secrets: config model, Genesys binding and the component.

Read in this order: ``config`` (stack config → typed args), ``genesys_package`` and
``genesys_oauth_client`` (the binding), ``secrets_key`` (the stack's CMK), ``oauth_client_secret``
(the component that ties one client to its Secrets Manager secret).
"""
