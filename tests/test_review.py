"""`python -m modelarts_provider review`: the Markdown made of real `pulumi preview --json`
documents (tests/fixtures/review, written by scripts/review-fixtures.py from real CLI runs of
both faces) against the reviewed expected files, the provider's grant pairing, secrets and
internal properties kept out, and one clear line for input that is not a preview."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from modelarts_provider.tools.cli import run
from modelarts_provider.tools.review.access import review
from modelarts_provider.tools.review.markdown import render
from modelarts_provider.tools.review.preview import UNKNOWN_SENTINEL, parse
from tests.e2e.pulumi_cli import REPO
from tests.e2e.review_scenario import FACES, FIXTURES, SCENARIOS

CASES = [(face, scenario) for face in FACES for scenario in SCENARIOS]


def fixture(face: str, scenario: str) -> str:
    return (FIXTURES / f"{face}-{scenario}.json").read_text()


def summary_of(document: str | dict[str, Any]) -> str:
    text = document if isinstance(document, str) else json.dumps(document)
    return render(review(parse(text)))


def step(document: dict[str, Any], resource: str, op: str | None = None) -> dict[str, Any]:
    return next(s for s in document["steps"] if s["urn"].endswith("::" + resource) and (op is None or s["op"] == op))


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(["review", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("face", "scenario"), CASES)
def test_summary_is_the_reviewed_one(face: str, scenario: str) -> None:
    expected = (FIXTURES / f"{face}-{scenario}.md").read_text()
    assert summary_of(fixture(face, scenario)) == expected


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_both_faces_read_alike(scenario: str) -> None:
    """The dynamic face's Python names and the native face's camelCase names mean the same."""
    assert summary_of(fixture("dynamic", scenario)) == summary_of(fixture("native", scenario))


@pytest.mark.parametrize(("face", "scenario"), CASES)
def test_no_secret_and_no_internal_property_is_shown(face: str, scenario: str) -> None:
    document = fixture(face, scenario)
    shown = summary_of(document)
    for secret in ("frank", "ivy"):  # the secret grants' users: Pulumi never writes them either
        assert secret not in document and secret not in shown
    for internal in ("__provider", "__secret_inputs", "__declared_region", "gASV"):
        assert internal not in shown


@pytest.mark.parametrize("face", FACES)
def test_reordered_grants_and_a_user_given_by_id_are_no_change(face: str) -> None:
    """The provider's pairing: bob declared by id instead of by name, grants in another order."""
    document = json.loads(fixture(face, "changes"))
    team = step(document, "team")
    grants = team["newState"]["inputs"]["grants"]
    team["newState"]["inputs"]["grants"] = list(reversed(grants))
    shown = summary_of(document)
    assert "`bob`" not in shown and "3cf105295f918eb8f4dd96d1b545117d" not in shown
    assert "grants access to **`gina`** (IAM)" in shown and "revokes access from **`alice`** (IAM)" in shown

    # the same two users, bob first and alice by the id the server filled in: no change at all
    id_key, name_key = ("userId", "userName") if face == "native" else ("user_id", "user_name")
    alice_by_id = {id_key: "dabd1db8d35ab13106274f61f1bf9778"}
    team["newState"]["inputs"]["grants"] = [{name_key: "bob"}, alice_by_id]
    workspaces = summary_of(document).split("**Workspaces**")[1].split("**Quotas**")[0]
    assert "`ml-team`" not in workspaces


@pytest.mark.parametrize("face", FACES)
def test_unknown_values_are_known_after_apply(face: str) -> None:
    shown = summary_of(fixture(face, "changes"))
    assert UNKNOWN_SENTINEL in fixture(face, "changes")
    assert "grants access to a user *known after apply* (IAM)" in shown
    assert UNKNOWN_SENTINEL not in shown
    document = json.loads(fixture(face, "changes"))
    lab = step(document, "lab")
    auth = "authType" if face == "native" else "auth_type"
    lab["newState"]["inputs"][auth] = UNKNOWN_SENTINEL  # wired from another resource's output
    shown = summary_of(document)
    assert "`ml-lab`: `auth_type` becomes *known after apply*: it may be PUBLIC" in shown


def test_another_pulumi_version_reads_as_far_as_it_can() -> None:
    """Fields this version does not know are ignored; an operation it does not know is named."""
    document = json.loads(fixture("native", "changes"))
    document["newTopLevelField"] = {"anything": [1, 2]}
    for item in document["steps"]:
        item["someFutureField"] = "x"
        if item.get("newState"):
            item["newState"]["futureStateField"] = True
    step(document, "helper")["op"] = "create-twice"
    shown = summary_of(document)
    assert "Not understood by this version of the review, read the diff: `helper` (`create-twice`)" in shown
    assert "grants access to **`gina`** (IAM)" in shown


def test_a_failed_preview_says_the_summary_is_incomplete() -> None:
    document = json.loads(fixture("dynamic", "changes"))
    document["diagnostics"] = [{"message": "error: something broke", "severity": "error"}]
    shown = summary_of(document)
    failed = "⛔ **The preview failed** (its errors are in the log): this summary is incomplete.\n"
    assert failed + "\n⚠️ **Access widens**" in shown
    document["steps"] = document["steps"][:1]  # it stopped before planning any workspace
    assert summary_of(document) == ("### ModelArts access review: stack `prod`\n\n" + failed)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "error: the input is empty: pipe `pulumi preview --json` into it, or name the file it wrote"),
        ("   \n", "error: the input is empty: pipe `pulumi preview --json` into it, or name the file it wrote"),
        ('{"steps": [{"op": "upd', "error: the JSON ends early at line 1, column 23: the preview output is truncated"),
        (
            "Previewing update (prod):",
            "error: not JSON (Expecting value at line 1, column 1): give it the output of `pulumi preview --json`",
        ),
        (
            '{"resources": []}',
            "error: JSON, but not from `pulumi preview --json`: it has no steps, changeSummary or diagnostics",
        ),
        ("[1, 2]", "error: JSON, but not from `pulumi preview --json`: it has no steps, changeSummary or diagnostics"),
        ('{"steps": {"op": "create"}}', "error: `steps` is not a list: give it the output of `pulumi preview --json`"),
    ],
)
def test_bad_input_is_one_line(text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "preview.json"
    path.write_text(text)
    code, out, err = cli([str(path)], capsys)
    assert (code, out, err) == (1, "", message + "\n")


def test_truncated_real_preview(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = fixture("dynamic", "changes")
    path = tmp_path / "preview.json"
    path.write_text(text[: len(text) // 2])
    code, _, err = cli([str(path)], capsys)
    assert code == 1 and err.startswith("error: the JSON ends early at line ") and err.count("\n") == 1


def test_no_such_file_and_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli([str(tmp_path / "missing.json")], capsys)
    assert code == 1 and err == f"error: cannot read {tmp_path / 'missing.json'}: No such file or directory\n"
    (tmp_path / "binary").write_bytes(b"\xff\xfe\x00{")
    code, _, err = cli([str(tmp_path / "binary")], capsys)
    assert code == 1 and err == "error: the input is not UTF-8 text: give it the output of `pulumi preview --json`\n"


def test_an_empty_preview_has_no_access_changes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "preview.json"
    path.write_text('{"steps": [], "changeSummary": {}}')
    code, out, _ = cli([str(path), "--exit-code"], capsys)
    assert (code, out) == (0, "### ModelArts access review\n\nNo access changes.\n")


WIDENING = [(f, s, s in ("changes", "drift")) for f in FACES for s in SCENARIOS]


@pytest.mark.parametrize(("face", "scenario", "widens"), WIDENING)
def test_exit_code_when_access_widens(
    face: str, scenario: str, widens: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "preview.json"
    path.write_text(fixture(face, scenario))
    assert cli([str(path), "--exit-code"], capsys)[0] == (2 if widens else 0)
    assert cli([str(path)], capsys)[0] == 0  # without the flag: 0 whenever the summary was written


def test_no_widening_when_access_only_narrows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(fixture("dynamic", "changes"))
    document["steps"] = [s for s in document["steps"] if s["urn"].endswith(("::old", "::docs"))]
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(document))
    code, out, _ = cli([str(path), "--exit-code"], capsys)
    assert code == 0 and "Access changes, but no one gains access." in out


def test_drift_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "preview.json"
    path.write_text(fixture("dynamic", "changes"))
    code, _, err = cli([str(path), "--drift"], capsys)
    assert code == 1 and "--drift needs the output of `pulumi preview --refresh --json`" in err
    path.write_text(fixture("dynamic", "drift"))
    code, out, _ = cli([str(path), "--no-drift"], capsys)
    assert code == 0 and "outside Git" not in out and "revokes access from **`mallory`** (IAM)" in out


def test_stdin_and_no_traceback() -> None:
    """Through the real entry point: stdin, and a bad input is one line, never a traceback."""
    command = [sys.executable, "-m", "modelarts_provider", "review"]
    good = subprocess.run(
        command, input=fixture("native", "drift"), capture_output=True, text=True, cwd=REPO, check=False
    )
    assert good.returncode == 0 and "has access to `ml-team` outside Git" in good.stdout
    bad = subprocess.run(command, input="{", capture_output=True, text=True, cwd=REPO, check=False)
    assert bad.returncode == 1 and bad.stdout == "" and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_values_cannot_inject_markdown() -> None:
    document = json.loads(fixture("dynamic", "changes"))
    team = step(document, "team")
    team["newState"]["inputs"]["grants"].append({"user_name": "x`<img src=y>` @org/admins", "user_type": "IAM"})
    shown = summary_of(document)
    assert "**``x`<img src=y>` @org/admins``** (IAM)" in shown


def test_the_docs_show_the_reviewed_summaries() -> None:
    """docs/access-review.md renders the reviewed summaries themselves (quoted), never a stale copy."""
    doc = (REPO / "docs" / "access-review.md").read_text()
    examples = re.findall(r"<!-- review example: (\S+) -->\n(.*?)\n<!-- end of review example -->", doc, re.S)
    assert [name for name, _ in examples] == [
        "tests/fixtures/review/dynamic-changes.md",
        "tests/fixtures/review/dynamic-drift.md",
    ]
    for name, quoted in examples:
        shown = "\n".join(line.removeprefix(">").removeprefix(" ") for line in quoted.splitlines()) + "\n"
        assert shown == (REPO / name).read_text(), name


@pytest.mark.parametrize("face", FACES)
def test_quotas_newly_managed_and_no_longer_managed(face: str) -> None:
    """A quota resource added to `quotas` shows its current value (from the state's read-only list
    of every quota); one removed goes back to its value from before Pulumi (`original_quotas`)."""
    document = json.loads(fixture(face, "changes"))
    team = step(document, "team-quotas")
    team["newState"]["inputs"]["quotas"] = {"notebook.instances": 50}
    shown = summary_of(document)
    assert (
        "  - `exemlProject.gpu_duration` 600 → unlimited (no longer managed: back to its value from before Pulumi)"
        in shown
    )
    assert "  - `notebook.instances` its current value → 50" in shown  # not in the workspace's list
    all_quotas = "allQuotas" if face == "native" else "all_quotas"
    team["oldState"]["outputs"][all_quotas].append({"resource": "notebook.instances", "quota": 20})
    assert "  - `notebook.instances` 20 → 50" in summary_of(document)
    team["newState"]["inputs"]["quotas"] = "[secret]"
    assert "- `ml-team` (`team-quotas`): the quotas are secret (`[secret]`)" in summary_of(document)


@pytest.mark.parametrize("face", FACES)
def test_a_new_public_workspace_and_a_grant_by_id(
    face: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(fixture(face, "changes"))
    auth, grants, user_id = ("authType", "grants", "userId") if face == "native" else ("auth_type", "grants", "user_id")
    step(document, "helper")["newState"]["inputs"][auth] = "PUBLIC"
    step(document, "team")["newState"]["inputs"][grants].append({user_id: "0c5b0f1d2e3a4b5c6d7e8f9a0b1c2d3e"})
    document["steps"] = [s for s in document["steps"] if s["urn"].endswith(("::helper", "::team"))]
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(document))
    code, shown, _ = cli([str(path), "--exit-code"], capsys)
    assert code == 2
    assert "- ⚠️ `ml-helper` is created **PUBLIC**: every user of the account can use it" in shown
    assert "grants access to **user id `0c5b0f1d2e3a4b5c6d7e8f9a0b1c2d3e`** (IAM), **`gina`** (IAM)" in shown
