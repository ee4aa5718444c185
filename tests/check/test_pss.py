"""kgen.check.pss: the level's controls by version, as admission's registry assembles them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgen.check.policy import builtin_policy_dir, load_policy_dirs
from kgen.check.pss import CONTROLS, LEVEL_TAGS, controls_for, evaluate, level_selects, safe_sysctls


def ids(level: str, version: tuple[int, int]) -> set[str]:
    return {c.id for c in controls_for(level, version)}


def test_restricted_overrides_the_baseline_controls_it_replaces_only_from_its_version() -> None:
    assert {"capabilities_baseline", "seccompProfile_baseline"} <= ids("restricted", (1, 18))
    assert "seccompProfile_restricted" not in ids("restricted", (1, 18))
    assert "seccompProfile_baseline" not in ids("restricted", (1, 19))
    assert "capabilities_baseline" in ids("restricted", (1, 21))
    assert "capabilities_baseline" not in ids("restricted", (1, 22))
    assert "hostPathVolumes" not in ids("restricted", (1, 0))  # restrictedVolumes covers hostPath
    assert "procMount" in ids("restricted", (1, 34)) and "procMount" not in ids("restricted", (1, 35))
    assert "runAsUser" not in ids("restricted", (1, 22)) and "runAsUser" in ids("restricted", (1, 23))
    assert ids("privileged", (1, 30)) == set()
    assert ids("baseline", (1, 30)) == {c.id for c in CONTROLS if c.level == "baseline" and c.versions[0] <= (1, 30)}


def test_the_annotation_form_of_seccomp_is_read_before_1_19_only() -> None:
    spec = {"containers": [{"name": "web", "image": "nginx"}]}
    metadata = {"annotations": {"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}}
    assert [c.id for c, _ in evaluate("baseline", (1, 18), spec, metadata)] == ["seccompProfile_baseline"]
    assert evaluate("baseline", (1, 19), spec, metadata) == []


def test_safe_sysctls_grow() -> None:
    assert len(safe_sysctls((1, 26))) == 5
    assert len(safe_sysctls((1, 27))) == 6
    assert len(safe_sysctls((1, 37))) == 14


@pytest.mark.parametrize(("level", "tags", "runs"), [
    ("baseline", ("security", "pss-baseline"), True),
    ("baseline", ("pss-restricted",), False),
    ("baseline", ("pss-baseline", "pss-restricted"), True),
    ("restricted", ("pss-restricted",), True),
    ("restricted", ("security",), None),
])
def test_level_selection(level: str, tags: tuple[str, ...], runs: bool | None) -> None:
    assert level_selects(tags, level) is runs


def test_every_control_names_a_policy_tagged_with_its_level() -> None:
    policies = {p.id: p for p in load_policy_dirs([builtin_policy_dir()])}
    for control in CONTROLS:
        if control.rule:
            assert LEVEL_TAGS[control.level] in policies[control.rule].tags, control.id
        for rule in control.reported_by:  # restricted includes baseline: a baseline rule may report there too
            assert {LEVEL_TAGS[control.level], LEVEL_TAGS["baseline"]} & set(policies[rule].tags), (control.id, rule)


def test_podsecurity_in_the_config_is_validated_at_its_line(tmp_path: Path) -> None:
    from kgen.check.config import load_config
    from kgen.errors import ConfigError

    path = tmp_path / ".kgen.yaml"
    path.write_text("failOn: error\npodSecurity: Restricted\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value.location).endswith(".kgen.yaml:2:1")
    assert caught.value.message == "'Restricted' is not one of baseline, restricted; did you mean 'restricted'?"
    path.write_text("podSecurity: restricted\n")
    assert load_config(path).pod_security == "restricted"
