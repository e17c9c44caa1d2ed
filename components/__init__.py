"""The Pulumi side of genesys-oauth-secrets: config model, Genesys binding and the component.

Read in this order: ``config_source`` (the config as the CLI hands it over) and ``config``
(validated into typed args, with ``redirect_uri``'s rules), ``genesys_package``,
``genesys_provider`` and ``genesys_oauth_client`` (the binding: the package, the stack's one
provider pinned to the org region, the OAuth client), ``secrets_key`` (the stack's CMK),
``oauth_client_secret`` (the component that ties one client to its Secrets Manager secret, with
``client_secret_check`` refusing an empty secret).
"""
