"""The guardrails policy pack, judged over the Analyzer gRPC API as the engine calls it."""
