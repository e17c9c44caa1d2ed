"""The Pulumi side of genesys-oauth-secrets: config model, Genesys binding and the component.

Read in this order: ``config_source`` (the config as the CLI hands it over) and ``config``
(validated into typed args, with ``redirect_uri``'s rules and ``rotation``'s block),
``genesys_package``,
``genesys_provider`` and ``genesys_oauth_client`` (the binding: the package, the stack's one
provider pinned to the org region, the OAuth client), ``secrets_key`` (the stack's CMK),
``oauth_client_secret`` (the component that ties one client to its Secrets Manager secret, with
``client_secret_check`` refusing an empty secret), then ``rotation_provider`` and
``rotation_api`` (the dynamic resource that regenerates a client's secret in place, and its
call to the Genesys API).
"""
