"""The README and the manuals in docs/: links lead somewhere, and CI runs the README's set-up.

That every documented command still parses and runs is tests/test_documented_commands.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MANUALS = [
    ROOT / "README.md",
    ROOT / "examples" / "consumer" / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
]


def github_anchor(heading: str) -> str:
    """The fragment GitHub gives a heading: lower case, punctuation dropped, spaces to dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The fragments of every heading in a Markdown file (headings in code blocks skipped)."""
    text = re.sub(r"^```.*?^```", "", path.read_text(), flags=re.MULTILINE | re.DOTALL)
    return {github_anchor(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}


def broken_links(manual: Path) -> list[str]:
    """Relative links whose file, or whose heading in a Markdown file, does not exist."""
    broken = []
    for link in re.findall(r"\]\(([^)\s]+)\)", manual.read_text()):
        if link.startswith("https://"):
            continue
        target, _, fragment = link.partition("#")
        path = (manual.parent / target).resolve() if target else manual
        if not path.exists() or (
            fragment and path.suffix == ".md" and fragment not in anchors(path)
        ):
            broken.append(link)
    return broken


@pytest.mark.parametrize("manual", MANUALS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_leads_to_a_heading_or_a_file(manual: Path) -> None:
    assert broken_links(manual) == []


def test_the_link_check_can_fail(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Present\n")
    manual = tmp_path / "manual.md"
    manual.write_text(
        "# Here\n[a](#here) [b](other.md#present) [c](#gone) [d](other.md#gone) [e](none.md)\n"
    )

    assert broken_links(manual) == ["#gone", "other.md#gone", "none.md"]


def test_the_readme_links_every_manual_in_docs() -> None:
    readme = (ROOT / "README.md").read_text()
    manuals = {path.name for path in (ROOT / "docs").glob("*.md")}

    assert {"backend-tools.md", "continuous-delivery.md", "testing.md"} <= manuals
    assert [name for name in sorted(manuals) if f"](docs/{name}" not in readme] == []


def test_ci_runs_exactly_the_two_set_up_commands_of_the_readme() -> None:
    set_up = re.search(r"## Set-up\n+```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert set_up is not None
    commands = [line.split("#")[0].strip() for line in set_up.group(1).splitlines()]
    ci_commands = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]

    assert commands == ["make install", "make test"]
    assert ci_commands == commands
