"""How long the state audit takes on a large checkpoint, and how much memory it needs.

Generates this program's realistic state for 1,000 and 10,000 resources (4 per client plus the
stack, providers and key), writes it plain and gzip-compressed, and audits each file the way
the CLI does (read, decompress, decode, walk). Prints the median of 3 timed runs, then memory
from tracemalloc in a separate run (tracing slows it down): the peak while reading (the file's
bytes and their decoded text exist together for a moment) and what the audit itself adds on
top of the decoded text, compared with what ``json.loads`` of the same text would add.
Targets: under 2 s for 10,000 resources, and memory that does not grow with the number of
resources beyond the file itself. The audit holds one resource at a time, so its overhead is
the largest single resource: here the stack, whose ``clients`` output has an entry per client.
Figures, not assertions: ``venv/bin/python -m benchmarks.audit_state``.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from state_backend.audit import audit
from state_backend.checkpoint import read_file
from state_backend.sample_state import build_state, generated_clients

RESOURCES = (1_000, 10_000)
FIXED_RESOURCES = 5
"""The stack, two default providers, the KMS key and its alias."""
PER_CLIENT = 4
REPEATS = 3
MB = 1024 * 1024


def audit_file(path: Path) -> None:
    report = audit(read_file(path))
    if not report.clean:
        raise SystemExit(f"the generated state should be clean:\n{report.to_text()}")


def memory(path: Path) -> tuple[float, float]:
    """(peak while reading, peak added by the audit above the decoded text), in MiB."""
    tracemalloc.start()
    try:
        state = read_file(path)
        held, read_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        audit(state)
        audit_peak = tracemalloc.get_traced_memory()[1]
        return read_peak / MB, (audit_peak - held) / MB
    finally:
        tracemalloc.stop()


def objects_mb(text: str) -> float:
    """What ``json.loads`` keeps on top of the text: the whole document as Python objects."""
    tracemalloc.start()
    try:
        document = json.loads(text)
        size = tracemalloc.get_traced_memory()[0] / MB
        del document
        return size
    finally:
        tracemalloc.stop()


def measure(path: Path) -> str:
    seconds = statistics.median(_timed(lambda: audit_file(path)) for _ in range(REPEATS))
    read_peak, overhead = memory(path)
    return (
        f"{path.name:<16} {path.stat().st_size / MB:>8.1f} {seconds:>8.2f} {read_peak:>10.1f} "
        f"{overhead:>15.2f}"
    )


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    """Print one table row per file, then the json.loads comparison for the same text."""
    print(f"audit of generated states, median of {REPEATS} runs; memory in MiB (tracemalloc)")
    print(f"{'file':<16} {'size MB':>8} {'seconds':>8} {'read peak':>10} {'audit overhead':>15}")
    with tempfile.TemporaryDirectory() as directory:
        for resources in RESOURCES:
            clients = (resources - FIXED_RESOURCES + PER_CLIENT - 1) // PER_CLIENT
            state = build_state(generated_clients(clients))
            raw = state.to_bytes()
            plain = Path(directory) / f"{len(state.resources)}.json"
            plain.write_bytes(raw)
            gzipped = Path(directory) / f"{len(state.resources)}.json.gz"
            gzipped.write_bytes(state.to_bytes(compress=True))
            text = raw.decode()
            print(f"-- {len(state.resources)} resources, decoded text {len(text) / MB:.1f} MB")
            print(measure(plain))
            print(measure(gzipped))
            print(f"{'(json.loads)':<16} {'':>8} {'':>8} {'':>10} {objects_mb(text):>15.2f}")


if __name__ == "__main__":
    main()
