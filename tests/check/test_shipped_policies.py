"""The shipped policies a check reads marshalled (kgen.check.policy.SHIPPED_POLICIES) are the
policy files as they are now, and anything else is parsed."""

from __future__ import annotations

import marshal
import shutil
from pathlib import Path

import pytest

from kgen.check import policy
from kgen.check.policy import builtin_policy_dir, load_policy_dirs, load_policy_file, shipped_fingerprint, shipped_policies


def test_the_marshalled_policies_are_current() -> None:
    """After a policy file changes: python -m kgen.check.shipped."""
    digest, _ = marshal.loads(policy.SHIPPED_POLICIES.read_bytes())
    assert digest == shipped_fingerprint(builtin_policy_dir())[0], "run: python -m kgen.check.shipped"


def test_they_are_the_policies_the_files_make() -> None:
    folder = builtin_policy_dir()
    built = shipped_policies(folder)
    assert built is not None and sorted(built) == sorted(p.name for p in folder.glob("*.yaml"))
    for name, read in built.items():
        parsed = load_policy_file(folder / name, shipped=True)
        assert read == parsed and read.shipped and read.source == parsed.source == str(folder / name)
        assert read.param_specs == parsed.param_specs and read.examples == parsed.examples


def test_a_changed_file_or_a_broken_marshal_is_parsed_instead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "policies"
    shutil.copytree(builtin_policy_dir(), copy)
    assert shipped_policies(copy) is not None  # the same files elsewhere
    path = copy / "liveness-probe-missing.yaml"
    path.write_text(path.read_text().replace("severity: warning", "severity: error", 1))
    assert shipped_policies(copy) is None
    broken = tmp_path / "broken.marshal"
    for data in (b"", b"\x00\x01", marshal.dumps(("digest",))):
        broken.write_bytes(data)
        monkeypatch.setattr(policy, "SHIPPED_POLICIES", broken)
        assert shipped_policies(builtin_policy_dir()) is None
    monkeypatch.setattr(policy, "SHIPPED_POLICIES", tmp_path / "missing.marshal")
    policy._BUILT.clear()
    assert [p.id for p in load_policy_dirs([builtin_policy_dir()])] == sorted(
        load_policy_file(p, True).id for p in builtin_policy_dir().glob("*.yaml")
    )
