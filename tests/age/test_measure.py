"""Where a secret's age is counted from: its issue tag, or, when that cannot be used, its version.

``measure`` never trusts the tag: anything that is not exactly the tag's form, or that claims a
time after the current version was written (AWSCURRENT moved back to an older document by hand),
falls back to the version date with a note that says why.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.issue_time import ISSUED_AT_TAG, parse_issued_at
from genesys_oauth_secrets.age.ages import (
    FROM_ISSUE_TAG,
    FROM_VERSION,
    CurrentVersion,
    measure,
)

VERSION = CurrentVersion("v-1", datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
FORTY_DAYS_BEFORE = "2026-04-22T12:00:00Z"


def tagged(value: object) -> list[dict[str, object]]:
    return [{"Key": "managed-by", "Value": "pulumi"}, {"Key": ISSUED_AT_TAG, "Value": value}]


@pytest.mark.parametrize(
    ("tags", "since", "counted_from", "note"),
    [
        (tagged(FORTY_DAYS_BEFORE), "2026-04-22T12:00:00+00:00", FROM_ISSUE_TAG, None),
        # The deployer's clock a minute ahead of AWS's: still this version's own secret.
        (tagged("2026-06-01T12:01:00Z"), "2026-06-01T12:01:00+00:00", FROM_ISSUE_TAG, None),
        (
            tagged("2026-06-02T12:00:00Z"),
            "2026-06-01T12:00:00+00:00",
            FROM_VERSION,
            "its version is older than its issue tag",
        ),
        (tagged(""), "2026-06-01T12:00:00+00:00", FROM_VERSION, "it has no issue tag yet"),
        (None, "2026-06-01T12:00:00+00:00", FROM_VERSION, "it has no issue tag yet"),
        ([], "2026-06-01T12:00:00+00:00", FROM_VERSION, "it has no issue tag yet"),
        ("not a list", "2026-06-01T12:00:00+00:00", FROM_VERSION, "it has no issue tag yet"),
        (["not a tag"], "2026-06-01T12:00:00+00:00", FROM_VERSION, "it has no issue tag yet"),
        (tagged(12), "2026-06-01T12:00:00+00:00", FROM_VERSION, "it has no issue tag yet"),
        (
            tagged("2026-04-22"),
            "2026-06-01T12:00:00+00:00",
            FROM_VERSION,
            "its issue tag is not a UTC time",
        ),
        (
            tagged("2026-02-30T12:00:00Z"),
            "2026-06-01T12:00:00+00:00",
            FROM_VERSION,
            "its issue tag is not a UTC time",
        ),
        (
            tagged("2026-04-22T12:00:00+02:00"),
            "2026-06-01T12:00:00+00:00",
            FROM_VERSION,
            "its issue tag is not a UTC time",
        ),
    ],
    ids=[
        "issued-before-the-version",
        "clock-skew",
        "awscurrent-moved-back",
        "empty-tag",
        "no-tags",
        "empty-tags",
        "tags-not-a-list",
        "tag-not-a-map",
        "value-not-text",
        "date-only",
        "impossible-date",
        "not-utc",
    ],
)
def test_the_age_counts_from_the_issue_tag_only_when_it_can_be_believed(
    tags: object, since: str, counted_from: str, note: str | None
) -> None:
    measured = measure(VERSION, tags)

    assert measured.since.isoformat() == since
    assert (measured.counted_from, measured.note) == (counted_from, note)
    assert measured.version == VERSION


@given(value=st.text(max_size=300))
def test_any_tag_value_is_counted_from_a_time_never_later_than_the_version_allows(
    value: str,
) -> None:
    measured = measure(VERSION, tagged(value))

    assert measured.since <= VERSION.created + timedelta(minutes=5)
    if measured.counted_from == FROM_ISSUE_TAG:
        assert measured.since == parse_issued_at(value)
    else:
        assert measured.since == VERSION.created
        assert measured.note is not None
