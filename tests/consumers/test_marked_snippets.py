"""How the tests find a manual's snippets: one marker, one fenced block, or a clear error."""

from __future__ import annotations

import pytest

from tests.consumers.snippets import SnippetError, marked_snippets

FOUND = [
    ("a marked block", "<!-- tested: sh -->\n```bash\necho hi\n```\n", {"sh": "echo hi\n"}),
    ("an unmarked block", "```bash\necho hi\n```\n", {}),
    (
        "a longer fence holds a shorter one",
        "<!-- tested: md -->\n````markdown\n```\nx\n```\n````\n",
        {"md": "```\nx\n```\n"},
    ),
    (
        "two names",
        "<!-- tested: a -->\n```\n1\n```\ntext\n<!-- tested: b -->\n```js\n2\n```\n",
        {"a": "1\n", "b": "2\n"},
    ),
]

REFUSED = [
    ("a marker before prose", "<!-- tested: sh -->\nSome prose.\n", "not followed by a fenced"),
    ("a marker on the last line", "text\n<!-- tested: sh -->", "not followed by a fenced"),
    ("a blank line after the marker", "<!-- tested: sh -->\n\n```\nx\n```\n", "not followed"),
    ("a block never closed", "<!-- tested: sh -->\n```bash\necho hi\n", "never closed"),
    (
        "a name marked twice",
        "<!-- tested: sh -->\n```\n1\n```\n<!-- tested: sh -->\n```\n2\n```\n",
        "'sh' is marked twice",
    ),
]


@pytest.mark.parametrize(
    ("markdown", "snippets"), [row[1:] for row in FOUND], ids=[row[0] for row in FOUND]
)
def test_each_marker_names_the_block_below_it(markdown: str, snippets: dict[str, str]) -> None:
    assert marked_snippets(markdown) == snippets


@pytest.mark.parametrize(
    ("markdown", "message"), [row[1:] for row in REFUSED], ids=[row[0] for row in REFUSED]
)
def test_a_marker_without_exactly_one_block_is_an_error(markdown: str, message: str) -> None:
    with pytest.raises(SnippetError, match=message):
        marked_snippets(markdown)
