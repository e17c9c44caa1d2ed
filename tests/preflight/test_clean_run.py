"""A backend made by bootstrap, a committed encryptedkey and a deploying client that holds what
it needs: preflight passes, and says so check by check."""

from __future__ import annotations

from tests.preflight.conftest import DEPLOYER_SECRET, World, report

ALL_CHECKS = {
    "config",
    "aws-identity",
    "state-bucket",
    "secrets-provider",
    "locks",
    "genesys-credentials",
    "genesys-permissions",
    "client-secrets",
    "deploy-permissions",
}


def test_a_clean_setup_passes_with_exit_0_and_one_line_per_check(world: World) -> None:
    outcome = world.run()
    assert outcome.code == 0, outcome.out
    for check in ALL_CHECKS - {"deploy-permissions"}:
        assert outcome.status(check) == {"OK"}, outcome.lines(check)


def test_moto_has_no_iam_simulator_so_the_simulation_says_it_was_skipped(world: World) -> None:
    outcome = world.run()
    [line] = outcome.lines("deploy-permissions")
    assert line.startswith("SKIPPED")
    assert "iam:SimulatePrincipalPolicy" in line


def test_json_is_one_document_with_every_check_and_the_exit_code(world: World) -> None:
    outcome = world.run("--json")
    document = report(outcome)
    assert document["exitCode"] == outcome.code == 0
    assert {check["check"] for check in document["checks"]} == ALL_CHECKS
    assert "preflight: exit 0" in outcome.err


def test_progress_is_printed_as_it_goes_and_the_secret_never(world: World) -> None:
    outcome = world.run()
    lines = outcome.out.splitlines()
    assert lines[0].startswith("preflight: stack prod")
    assert lines[-1] == "preflight: exit 0"
    assert DEPLOYER_SECRET not in outcome.out + outcome.err
    assert not any(token in outcome.out + outcome.err for token in world.api.issued)
