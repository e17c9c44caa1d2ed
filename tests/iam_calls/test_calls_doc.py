"""docs/iam-calls.md is exactly the rendering of the call table the tests evaluate."""

from __future__ import annotations

import os

from tests.iam_calls.render import DOC, render
from tests.iam_calls.table import CALLS


def test_the_calls_page_is_the_rendering_of_the_table() -> None:
    expected = render()
    if os.environ.get("UPDATE_IAM_CALLS") == "1":
        DOC.write_text(expected)

    assert DOC.read_text() == expected, (
        "docs/iam-calls.md is out of date: "
        "UPDATE_IAM_CALLS=1 pytest tests/iam_calls/test_calls_doc.py"
    )


def test_the_page_names_every_rows_source_commit() -> None:
    page = render()

    for call in CALLS:
        assert call.source.commit in page, call.name
        assert call.request.action in page, call.name
