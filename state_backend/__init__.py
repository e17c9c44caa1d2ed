"""Tools for the Pulumi DIY state backend of this project, outside the Pulumi program.

``python -m state_backend bootstrap|audit|locks|demo``: create the state bucket and KMS keys,
prove the state holds secrets only as ciphertext, clear stale locks, and try all of it against a
local AWS emulator. Only boto3 is needed at run time (moto for the demo).
"""
