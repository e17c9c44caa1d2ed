"""How long the state audit takes on large checkpoints, and its peak memory, beside json.loads.

Writes this program's realistic state for ~10,000 and ~100,000 resources (5 per client plus the
stack, providers and key) with ``sample_state.write_state``, as plain JSON, gzip, zstd, and plain
JSON whose descriptions carry non-ASCII text. Each file is then audited the way the CLI does it
(``audit(local_source(...))``: regular-file check, decompression, streaming parse, rules), and,
for comparison, read whole and parsed with ``json.loads`` (decompressing first), which is what
any tool that holds the document pays.

Every measurement runs in its own interpreter so peaks do not mix: the figure is that process's
peak RSS (``VmHWM``), which includes the interpreter and its imports (shown on the first
line). Time is the child's CPU time (``process_time``), so other work on a shared machine does
not skew the ratio; it includes reading and decompressing. Targets (issue 8): audit peak
≤ 64 MiB at any size, audit time ≤ json.loads time + 50 %.
Figures, not assertions: ``venv/bin/python -m benchmarks.audit_state [--resources 10000 ...]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import zstandard

from genesys_oauth_secrets.demo.sample_state import build_state, generated_clients, write_state

MIB = 1024 * 1024
TARGET_PEAK_MIB = 64
TARGET_RATIO = 1.5


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB.

    ``VmHWM`` rather than ``ru_maxrss``: Linux carries ``ru_maxrss`` over ``execve`` from the
    forked parent, so a child of a large parent would report the parent's size.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, path: Path) -> dict[str, float]:
    """Runs in the child: one audit or one json.loads of ``path``, timed."""
    start = time.process_time()
    if kind == "audit":
        from genesys_oauth_secrets.audit import checkpoint, scan  # noqa: PLC0415 - child only

        report = scan.audit(checkpoint.local_source(path, 4096 * MIB))
        if not report.clean:
            raise SystemExit(f"the generated state should be clean:\n{report.to_text()}")
    elif kind == "loads":
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        elif raw[:4] == b"\x28\xb5\x2f\xfd":
            raw = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True).read()
        json.loads(raw)
    elif kind == "imports":
        from genesys_oauth_secrets.audit import checkpoint, scan  # noqa: PLC0415
    return {"seconds": time.process_time() - start, "peak_mib": peak_mib()}


def in_child(kind: str, path: Path) -> dict[str, float]:
    """``measure`` in a fresh interpreter, so its peak is its own."""
    answer = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks.audit_state", "--measure", kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(answer.stdout)
    return figures


def layout() -> tuple[int, int]:
    """Resources of a state without clients (stack, default providers, KMS key and alias), and
    resources per client (the component and its children), counted on the sample state.

    Counted here, not when the module loads: a measuring child imports this module, and the
    sample's issue stamp loads the Pulumi SDK, which would inflate every peak.
    """
    fixed = len(build_state(()).resources)
    return fixed, len(build_state(generated_clients(1)).resources) - fixed


def write_files(directory: Path, resources: int) -> list[Path]:
    """The four variants of one size, each written and compressed as a stream."""
    fixed, per_client = layout()
    clients = (resources - fixed + per_client - 1) // per_client
    total = fixed + per_client * clients
    plain = directory / f"{total}.json"
    with plain.open("wb") as out:
        write_state(out, generated_clients(clients))
    gzipped = directory / f"{total}.json.gz"
    with plain.open("rb") as source, gzip.open(gzipped, "wb") as target:
        shutil.copyfileobj(source, target, MIB)
    zstd = directory / f"{total}.json.zst"
    with plain.open("rb") as source, zstd.open("wb") as target:
        zstandard.ZstdCompressor().copy_stream(source, target)
    accented = directory / f"{total}-non-ascii.json"
    with accented.open("wb") as out:
        write_state(out, generated_clients(clients, non_ascii=True))
    return [plain, gzipped, zstd, accented]


def row(path: Path, repeats: int) -> str:
    audits = [in_child("audit", path) for _ in range(repeats)]
    loads = [in_child("loads", path) for _ in range(repeats)]
    audit_s = statistics.median(a["seconds"] for a in audits)
    loads_s = statistics.median(a["seconds"] for a in loads)
    audit_peak = max(a["peak_mib"] for a in audits)
    loads_peak = max(a["peak_mib"] for a in loads)
    ratio = audit_s / loads_s
    verdict = []
    if audit_peak > TARGET_PEAK_MIB:
        verdict.append(f"peak over {TARGET_PEAK_MIB} MiB")
    if ratio > TARGET_RATIO:
        verdict.append(f"time over json.loads +{(TARGET_RATIO - 1) * 100:.0f} %")
    return (
        f"{path.name:<24} {path.stat().st_size / MIB:>8.1f} {audit_s:>8.2f} {audit_peak:>9.1f} "
        f"{loads_s:>8.2f} {loads_peak:>9.1f} {ratio:>6.2f}  {'; '.join(verdict) or 'targets met'}"
    )


def main() -> None:
    """Print one row per file: audit and json.loads side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (median time)")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    with tempfile.TemporaryDirectory() as scratch:
        baseline = in_child("imports", Path(scratch))
        print(f"interpreter + audit imports alone: {baseline['peak_mib']:.1f} MiB peak RSS")
        print(
            f"{'file':<24} {'MiB':>8} {'audit s':>8} {'peak MiB':>9} {'loads s':>8} "
            f"{'peak MiB':>9} {'ratio':>6}  verdict"
        )
        for resources in args.resources:
            for path in write_files(Path(scratch), resources):
                print(row(path, args.repeats), flush=True)
                path.unlink()


if __name__ == "__main__":
    main()
