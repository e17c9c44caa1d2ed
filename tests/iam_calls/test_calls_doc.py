"""docs/iam.md's table of calls is exactly the rendering of the table the tests evaluate."""

from __future__ import annotations

import os

from tests.iam_calls.render import DOC, render, section, with_section
from tests.iam_calls.table import CALLS


def test_the_manuals_table_of_calls_is_the_rendering_of_the_table() -> None:
    expected = render()
    if os.environ.get("UPDATE_IAM_CALLS") == "1":
        DOC.write_text(with_section(DOC.read_text(), expected))

    assert section(DOC.read_text()) == expected, (
        "the table of calls in docs/iam.md is out of date: "
        "UPDATE_IAM_CALLS=1 pytest tests/iam_calls/test_calls_doc.py"
    )


def test_the_rendering_names_every_rows_action_and_source_commit() -> None:
    text = render()

    for call in CALLS:
        assert call.source.commit in text, call.name
        assert call.request.action in text, call.name
