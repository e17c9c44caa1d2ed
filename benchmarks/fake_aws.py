"""A moto server on 127.0.0.1 for the benchmarks that talk to Secrets Manager.

Fake credentials, nothing reaches AWS: the profile variables are dropped, the fake ones set,
and ``AWS_ENDPOINT_URL`` points boto3 (and so ``CredentialsReader``) at the server.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

from moto.server import ThreadedMotoServer

FAKE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@contextmanager
def moto_on_loopback() -> Iterator[str]:
    """Start moto, point this process's AWS clients at it, yield its host; stop it after."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
            os.environ.pop(name, None)
        os.environ.update(FAKE_ENVIRONMENT)
        os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
        yield host
    finally:
        server.stop()
