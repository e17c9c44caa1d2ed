"""``genesys-oauth-secrets locks``: list a stack's DIY locks and clear the stale ones.

Listing and staleness live in ``shared.stack_locks``, because preflight reports the same locks.
"""
