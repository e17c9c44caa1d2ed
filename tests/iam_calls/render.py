"""The human version of the call table: a generated section of ``docs/iam.md``.

``tests/iam_calls/test_calls_doc.py`` fails when the text between the markers differs from the
rendering, so the manual never drifts from what the tests evaluate; ``UPDATE_IAM_CALLS=1``
rewrites that section and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tests.iam_calls import sources
from tests.iam_calls.table import CALLS, OPERATIONS, ROLE_OF, Call

DOC = Path(__file__).resolve().parents[2] / "docs" / "iam.md"
BEGIN = "<!-- generated from tests/iam_calls/table.py: begin -->"
END = "<!-- generated from tests/iam_calls/table.py: end -->"

HEADER = """\
Generated from `tests/iam_calls/table.py` (do not edit: `UPDATE_IAM_CALLS=1 pytest
tests/iam_calls/test_calls_doc.py` rewrites this section). Each row is one authorization AWS
makes: the IAM action, the resource ARN and the request context (tags of the target, tags of the
request, `kms:ViaService` and the encryption context when Secrets Manager or S3 call KMS on the
caller's behalf). KMS rows are also judged against the key's policy (the default key policy: the
account's IAM policies decide). `tests/iam_calls/test_call_table.py` evaluates every row with the
real IAM evaluator against the document of the role that runs the operation ({roles}); dropping
any one action a row needs from that document fails the test, naming the row.

Examples: bucket `acme-genesys-oauth-secrets-state`, stack `prod`, client `ivr-integration`,
region `us-east-1`, account `123456789012`; key ids are placeholders.

Not in the table: `pulumi preview` makes no provider call (Check and Diff run offline in the
bridged provider), so a preview only reads the state; `kms:Encrypt` on the secrets-provider key
happens only when `Pulumi.<stack>.yaml` has no `encryptedkey` (commit it); the provider's
`sts:GetCallerIdentity` needs no permission. The previewer does not support `--refresh` (see
[Refresh and the previewer](#refresh-and-the-previewer)).

Sources (the terraform-provider-aws files were {note}):

{sources}
"""


def _context(context: Mapping[str, str | list[str]]) -> str:
    if not context:
        return ""
    parts = []
    for key, value in context.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        parts.append(f"`{key}`={shown}")
    return "<br>".join(parts)


def _row(call: Call) -> str:
    request = call.request
    action = f"`{request.action}`" + (f" ({request.why})" if request.why else "")
    operations = ", ".join(op for op in OPERATIONS if op in call.operations)
    source = call.source
    cite = f"`{source.path}` @ `{source.commit[:12]}`: {source.function}"
    cells = [
        call.step + (f" (with `{call.when}`)" if call.when else ""),
        action,
        f"`{request.resource}`",
        _context(request.context),
        operations,
        ", ".join(f"`{role}`" for role in call.roles()),
        cite,
    ]
    return "| " + " | ".join(cells) + " |"


def render() -> str:
    """The section, one table per resource type in the table's order."""
    files = sorted({(c.source.repo, c.source.path, c.source.commit) for c in CALLS})
    source_lines = "\n".join(f"- {repo} `{path}` at `{commit}`" for repo, path, commit in files)
    source_lines += (
        "\n\nRows marked with `readers` or `replicaRegions` happen only when the stack config "
        "has them (docs/configuration.md)."
    )
    roles = ", ".join(f"{op}: `{doc}`" for op, doc in ROLE_OF.items())
    out = [HEADER.format(roles=roles, note=sources.PROVIDER_VERSION_NOTE, sources=source_lines)]
    types = list(dict.fromkeys(c.resource_type for c in CALLS))
    for resource_type in types:
        out.append(f"\n### {resource_type}\n")
        out.append("| step | action | resource | request context | operations | role | source |")
        out.append("|---|---|---|---|---|---|---|")
        out.extend(_row(c) for c in CALLS if c.resource_type == resource_type)
    return "\n".join(out) + "\n"


def section(page: str) -> str:
    """The generated text between the markers of ``page`` ("" without markers)."""
    if BEGIN not in page or END not in page:
        return ""
    return page.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def with_section(page: str, text: str) -> str:
    """``page`` with the text between its markers replaced by ``text``."""
    before = page.split(BEGIN, 1)[0]
    after = page.split(END, 1)[1]
    return f"{before}{BEGIN}\n{text}{END}{after}"
