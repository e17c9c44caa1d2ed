"""``describe-client``: the config entry that adopts an existing Genesys OAuth client.

An import (``adopt`` in a client's config) whose inputs differ from the real client fails (older
Pulumi) or imports it and then updates the client to the config (pulumi/pulumi#19339), which can
rename it or change its roles. So this job reads the client from the Platform API and prints
the entry that matches it field for field, checked by the program's own config validation.
Called by people, once per client they bring under the program; it never changes anything in
Genesys.
"""
