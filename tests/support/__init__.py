"""Test-only stand-ins for what cannot run here: the Pulumi engine, AWS (moto), Genesys' API."""
