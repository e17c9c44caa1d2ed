"""``genesys-oauth-secrets audit``: prove a Pulumi state holds secrets only as ciphertext.

``checkpoint`` finds the state (a file, or the DIY bucket) and streams it, bounded;
``pulumi_json`` reads the stream the way Pulumi's Go loader reads it; ``scan`` walks it and
reports every secret that is not ciphertext. After every ``pulumi up`` in ``deploy.yml``.
"""
