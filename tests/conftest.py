"""Shared fixtures: the capturing Pulumi engine and the loopback moto server."""

from tests.support.moto_server import aws_endpoint, moto_server

__all__ = ["aws_endpoint", "moto_server"]
