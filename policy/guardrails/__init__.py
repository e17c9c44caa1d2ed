"""genesys-oauth-secrets guardrails: CrossGuard policies the engine runs on every preview and up.

The Pulumi program is careful on its own; these policies keep it that way when a later change (a
new resource, a copied snippet, a hand edit) would put a client secret on disk or in plaintext
state, use the AWS-managed key, delete secrets without recovery or export more than ids and ARNs.
Each module holds the policies of one resource type or one stack-wide concern; ``catalog`` lists
them for ``policy/__main__.py``. Nothing here imports the program: the pack judges what the
engine sends, whoever wrote it.
"""
