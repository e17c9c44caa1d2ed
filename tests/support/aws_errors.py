"""AWS error answers built before a request leaves botocore, for what moto cannot answer.

moto enforces no IAM and answers some missing resources with a 500; AWS answers them with a
JSON error (``{"__type": <code>, "message": ...}``, status 400). A ``before-send`` handler that
returns :func:`aws_error` makes botocore's real parser and retry logic read exactly that.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from botocore.awsrequest import AWSResponse, HTTPHeaders


class _Body:
    def __init__(self, payload: bytes) -> None:
        self._payload = payload

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._payload


def aws_error(url: str, code: str, message: str) -> AWSResponse:
    """A 400 answer in the JSON-1.1 error shape AWS's JSON services use."""
    body = json.dumps({"__type": code, "message": message}).encode()
    headers = HTTPHeaders()
    headers["Content-Type"] = "application/x-amz-json-1.1"
    headers["x-amzn-RequestId"] = "fake"
    return AWSResponse(url, 400, headers, _Body(body))
