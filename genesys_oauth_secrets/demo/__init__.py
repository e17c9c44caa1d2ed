"""``genesys-oauth-secrets demo``: the whole flow on a laptop, against a local AWS emulator.

``walkthrough`` starts moto on 127.0.0.1 and runs the real commands as a user types them,
through the front door, which hands it the means to (``walkthrough.Invoke``): the demo never
imports another tool. ``sample_state`` builds the honest checkpoint it audits.
"""
