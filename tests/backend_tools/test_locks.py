"""Locks: listed with who/where/when; only locks stale by both clocks and not alive are cleared.

moto dates every object "now", so to have locks that S3 considers old the tests move the tool's
clock forward (``locks.utcnow``) instead of waiting hours.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genesys_oauth_secrets.demo.sample_state import PROJECT, STACK, lock_content
from genesys_oauth_secrets.locks import cli as locks_cli
from genesys_oauth_secrets.shared import stack_locks as locks
from genesys_oauth_secrets.shared.aws import AwsClients, connect
from genesys_oauth_secrets.shared.errors import UsageError
from tests.backend_tools.conftest import REGION, RunCli

PREFIX = locks.lock_prefix(PROJECT, STACK)
LATER = timedelta(hours=6)


def put_lock(aws: AwsClients, bucket: str, name: str, body: bytes) -> str:
    key = f"{PREFIX}{name}.json"
    aws.s3.put_object(Bucket=bucket, Key=key, Body=body)
    return key


def content(when: datetime, *, host: str = "ci-runner-7", pid: int = 31337) -> bytes:
    return lock_content(pid=pid, username="deployer", hostname=host, timestamp=when.isoformat())


def remaining(aws: AwsClients, bucket: str) -> list[str]:
    listing = aws.s3.list_objects_v2(Bucket=bucket, Prefix=PREFIX)
    return [obj["Key"] for obj in listing.get("Contents", [])]


@pytest.fixture
def six_hours_later(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The tool's clock, six hours after the locks were written to S3.

    Half a minute more, so the few seconds between this fixture and the writes cannot make
    an age read 5h59m.
    """
    later = datetime.now(UTC) + LATER + timedelta(seconds=30)
    monkeypatch.setattr(locks, "utcnow", lambda: later)
    return later


def clear_args(bucket: str, *extra: str) -> tuple[str, ...]:
    return ("locks", "--bucket", bucket, "--clear-stale", "--older-than", "2h", *extra)


def test_locks_are_listed_with_who_where_and_when(
    aws: AwsClients, plain_bucket: str, run_cli: RunCli
) -> None:
    written = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    key = put_lock(aws, plain_bucket, "0b1e6a52", content(written))

    result = run_cli("locks", "--bucket", plain_bucket)

    assert result.code == 0
    assert f"1 lock(s) on organization/{PROJECT}/{STACK} in s3://{plain_bucket}:" in result.out
    assert key in result.out
    assert "deployer@ci-runner-7 (pid 31337)  since 2026-11-20T09:30:00Z" in result.out


def test_a_lock_released_while_being_listed_is_skipped_in_one_line(
    aws: AwsClients,
    aws_endpoint: str,
    plain_bucket: str,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held = put_lock(aws, plain_bucket, "0b1e6a52", content(datetime.now(UTC)))
    finishing = put_lock(aws, plain_bucket, "7c4d9e01", content(datetime.now(UTC)))
    other_run = connect(REGION, aws_endpoint).s3

    def finish_that_run_first(params: dict[str, Any], **_: Any) -> None:
        if params["Key"] == finishing:
            other_run.delete_object(Bucket=plain_bucket, Key=finishing)

    aws.s3.meta.events.register("before-parameter-build.s3.GetObject", finish_that_run_first)
    monkeypatch.setattr(locks_cli, "connect", lambda *_: aws)

    result = run_cli("locks", "--bucket", plain_bucket)

    assert result.code == 0, result.err
    assert f"gone    {finishing}  [released while being listed: its run just ended]" in result.out
    assert f"1 lock(s) on organization/{PROJECT}/{STACK}" in result.out
    assert held in result.out


def test_an_unlocked_stack_says_so(plain_bucket: str, run_cli: RunCli) -> None:
    result = run_cli("locks", "--bucket", plain_bucket)

    assert result.code == 0
    assert f"no locks: organization/{PROJECT}/{STACK} is not locked" in result.out


def test_locks_of_other_stacks_are_not_listed(
    aws: AwsClients, plain_bucket: str, run_cli: RunCli
) -> None:
    aws.s3.put_object(
        Bucket=plain_bucket,
        Key=f"{locks.lock_prefix(PROJECT, 'dev')}a.json",
        Body=content(datetime.now(UTC)),
    )

    assert "no locks" in run_cli("locks", "--bucket", plain_bucket).out


def test_clear_stale_removes_only_locks_older_than_the_threshold(
    aws: AwsClients, plain_bucket: str, run_cli: RunCli, six_hours_later: datetime
) -> None:
    dead = put_lock(aws, plain_bucket, "dead-run", content(six_hours_later - LATER))
    fresh = put_lock(
        aws, plain_bucket, "fresh-run", content(six_hours_later - timedelta(minutes=10))
    )

    result = run_cli(*clear_args(plain_bucket, "--yes"))

    assert result.code == 0
    assert f"stale   {dead}" in result.out
    assert f"deleted {dead}" in result.out
    assert f"keep    {fresh}" in result.out
    assert remaining(aws, plain_bucket) == [fresh]


def test_a_lock_that_s3_wrote_recently_is_kept_whatever_its_own_timestamp_says(
    aws: AwsClients, plain_bucket: str, run_cli: RunCli
) -> None:
    skewed = put_lock(aws, plain_bucket, "skewed", content(datetime.now(UTC) - timedelta(days=2)))

    result = run_cli(*clear_args(plain_bucket, "--yes"))

    assert result.code == 0
    assert "no lock older than 2h00m: nothing to clear" in result.out
    assert remaining(aws, plain_bucket) == [skewed]


def test_a_live_process_on_this_host_keeps_its_lock_however_old(
    aws: AwsClients, plain_bucket: str, run_cli: RunCli, six_hours_later: datetime
) -> None:
    live = put_lock(
        aws,
        plain_bucket,
        "live-run",
        content(six_hours_later - LATER, host=socket.gethostname(), pid=os.getpid()),
    )

    result = run_cli(*clear_args(plain_bucket, "--yes"))

    assert "[held by a live process here]" in result.out
    assert remaining(aws, plain_bucket) == [live]


def test_an_unreadable_lock_is_judged_by_s3s_clock_alone(
    aws: AwsClients, plain_bucket: str, run_cli: RunCli, six_hours_later: datetime
) -> None:
    put_lock(aws, plain_bucket, "garbage", b"not json")

    listing = run_cli("locks", "--bucket", plain_bucket)
    cleared = run_cli(*clear_args(plain_bucket, "--yes"))

    assert "unreadable lock content  S3 object 6h00m old" in listing.out
    assert cleared.code == 0
    assert remaining(aws, plain_bucket) == []


def test_without_yes_and_without_a_terminal_nothing_is_deleted(
    aws: AwsClients, plain_bucket: str, run_cli: RunCli, six_hours_later: datetime
) -> None:
    dead = put_lock(aws, plain_bucket, "dead-run", content(six_hours_later - LATER))

    result = run_cli(*clear_args(plain_bucket))

    assert result.code == 1
    assert "refusing to delete without --yes" in result.out
    assert remaining(aws, plain_bucket) == [dead]


@pytest.mark.parametrize(
    "case", [("n", 1), ("", 1), ("y", 0), ("yes", 0)], ids=["n", "enter", "y", "yes"]
)
@pytest.mark.usefixtures("six_hours_later")
def test_the_confirmation_prompt_decides(
    aws: AwsClients,
    plain_bucket: str,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    case: tuple[str, int],
) -> None:
    answer, kept = case
    put_lock(aws, plain_bucket, "dead-run", content(locks.utcnow() - LATER))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    prompts: list[str] = []

    def type_answer(prompt: str) -> str:
        prompts.append(prompt)
        return answer

    monkeypatch.setattr("builtins.input", type_answer)

    run_cli(*clear_args(plain_bucket))

    assert prompts == [
        "Delete 1 stale lock(s)? Only if no pulumi run on this stack is alive. [y/N] "
    ]
    assert len(remaining(aws, plain_bucket)) == kept


def test_clear_stale_demands_a_threshold(plain_bucket: str, run_cli: RunCli) -> None:
    result = run_cli("locks", "--bucket", plain_bucket, "--clear-stale")

    assert result.code == 2
    assert "--clear-stale needs --older-than" in result.err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
    ],
)
def test_durations_are_parsed(text: str, expected: timedelta) -> None:
    assert locks.parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "use a duration like"),
        ("2", "use a duration like"),
        ("2 h", "use a duration like"),
        ("two hours", "use a duration like"),
        ("-1h", "use a duration like"),
        ("0m", "longer than zero"),
        ("2h-", "use a duration like"),
        ("2h\n", "use a duration like"),
        ("\u0662h", "use a duration like"),
        ("99999999999d", "use a duration like"),
        ("3651d", "is longer than 3650d"),
        ("9" * 5000 + "d", "use a duration like"),
    ],
)
def test_bad_durations_are_refused(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        locks.parse_duration(text)


@given(text=st.text(max_size=30) | st.from_regex(r"\A([0-9]{1,12}[smhd]){1,3}\Z"))
def test_any_duration_is_a_bounded_threshold_or_a_usage_error(text: str) -> None:
    try:
        threshold = locks.parse_duration(text)
    except UsageError as error:
        message = str(error)
    else:
        message = ""
        assert timedelta(0) < threshold <= locks.MAX_OLDER_THAN
    assert message.isprintable()
    assert len(message) < 300


def test_an_absurd_threshold_on_the_command_line_is_one_line(
    plain_bucket: str, run_cli: RunCli
) -> None:
    result = run_cli(*clear_args(plain_bucket)[:-1], "99999999999d")

    assert result.code == 2
    [line] = result.err.splitlines()
    assert line.startswith("error: ")
    assert "argument --older-than" in line


NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
WRITTEN = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "holder"),
    [
        pytest.param(
            lock_content(pid=7, username="u", hostname="h", timestamp="0001-01-01T00:00:00Z"),
            "u@h (pid 7)",
            id="dated-year-1",
        ),
        pytest.param(
            lock_content(pid=7, username="u", hostname="h", timestamp="0001-01-01T00:00:00+01:00"),
            "unreadable lock content",
            id="year-1-before-utc",
        ),
        pytest.param(
            lock_content(pid=10**20, username="u", hostname=socket.gethostname(), timestamp="x"),
            "unreadable lock content",
            id="pid-10**20",
        ),
        pytest.param(
            json.dumps(
                {
                    "pid": 10**20,
                    "username": "u",
                    "hostname": socket.gethostname(),
                    "timestamp": WRITTEN.isoformat(),
                }
            ).encode(),
            "unreadable lock content",
            id="pid-10**20-on-this-host",
        ),
        pytest.param(
            lock_content(pid=True, username="u", hostname="h", timestamp=WRITTEN.isoformat()),
            "unreadable lock content",
            id="pid-true",
        ),
        pytest.param(b"[" * 100_000, "unreadable lock content", id="deep-json"),
        pytest.param(
            b"{" + b" " * (locks.MAX_LOCK_BYTES + 1) + b"}", "unreadable lock content", id="too-big"
        ),
        pytest.param(
            lock_content(
                pid=7, username="u", hostname="h", timestamp="2026-11-27T11:00:00.123456789Z"
            ),
            "u@h (pid 7)",
            id="go-nanoseconds",
        ),
    ],
)
def test_a_hostile_lock_is_described_or_unreadable_never_a_traceback(
    body: bytes, holder: str
) -> None:
    lock = locks.parse_lock(f"{PREFIX}x.json", WRITTEN, body)

    line = locks.describe(lock, NOW)
    assert lock.holder == holder
    assert line.isprintable()
    assert locks.is_stale(lock, NOW, timedelta(minutes=30))


def test_control_characters_in_a_lock_are_escaped_when_listed(
    aws: AwsClients, plain_bucket: str, run_cli: RunCli
) -> None:
    fake_line = "deployer\n  .pulumi/locks/fake.json  root@prod (pid 1)\x1b[2K"
    body = lock_content(pid=1, username=fake_line, hostname="h\r", timestamp=WRITTEN.isoformat())
    put_lock(aws, plain_bucket, "evil\x1b[31mname", body)

    result = run_cli("locks", "--bucket", plain_bucket)

    assert result.code == 0
    [listed] = [line for line in result.out.splitlines() if line.startswith("  ")]
    assert "\x1b" not in result.out
    assert "\r" not in result.out
    assert "evil\\x1b[31mname.json  deployer\\n  .pulumi/locks/fake.json" in listed
    assert "\\x1b[2K@h\\r (pid 1)" in listed


LOCK_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "pid": st.integers() | st.booleans() | st.floats() | st.text(max_size=5),
        "username": st.text(max_size=20) | st.integers(),
        "hostname": st.text(max_size=20) | st.none(),
        "timestamp": st.text(max_size=40)
        | st.datetimes(timezones=st.timezones()).map(lambda when: when.isoformat()),
    },
)


@given(content=LOCK_FIELDS | st.binary(max_size=60).map(lambda data: {"raw": data.hex()}))
def test_any_lock_content_gives_one_printable_line(content: dict[str, Any]) -> None:
    lock = locks.parse_lock(f"{PREFIX}k.json", WRITTEN, json.dumps(content).encode())

    line = locks.describe(lock, NOW)
    assert line.isprintable()
    assert isinstance(locks.is_stale(lock, NOW, timedelta(hours=1)), bool)


def test_a_missing_bucket_is_a_clear_error(aws_endpoint: str, run_cli: RunCli) -> None:
    result = run_cli("locks", "--bucket", "no-such-state-bucket")

    assert result.code == 2
    assert "does not exist" in result.err


def test_json_lists_the_locks_in_one_document_with_progress_on_stderr(
    aws: AwsClients, plain_bucket: str, run_cli: RunCli
) -> None:
    written = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    key = put_lock(aws, plain_bucket, "0b1e6a52", content(written))

    result = run_cli("locks", "--bucket", plain_bucket, "--json")

    document = json.loads(result.out)
    assert result.code == 0
    assert list(document)[:2] == ["ok", "exitCode"]
    assert (document["ok"], document["exitCode"]) == (True, 0)
    [lock] = document["locks"]
    assert (lock["key"], lock["holder"]) == (key, "deployer@ci-runner-7 (pid 31337)")
    assert "1 lock(s) on" in result.err


def test_json_clearing_deletes_and_lists_what_it_deleted(
    aws: AwsClients, plain_bucket: str, run_cli: RunCli, six_hours_later: datetime
) -> None:
    key = put_lock(aws, plain_bucket, "old", content(six_hours_later - LATER))

    result = run_cli(*clear_args(plain_bucket, "--yes", "--json"))

    document = json.loads(result.out)
    assert (result.code, document["exitCode"], document["deleted"]) == (0, 0, [key])
    assert remaining(aws, plain_bucket) == []


def test_json_failure_is_one_document_and_one_error_line(run_cli: RunCli) -> None:
    result = run_cli("locks", "--bucket", "b-b", "--clear-stale", "--json")

    document = json.loads(result.out)
    assert (result.code, document["ok"], document["exitCode"]) == (2, False, 2)
    assert "--clear-stale needs --older-than" in document["error"]
    assert result.err.startswith("error: --clear-stale needs --older-than")
