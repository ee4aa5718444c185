"""The pre-commit hooks (.pre-commit-hooks.yaml), run by the real pre-commit on throw-away repositories.

pre-commit builds a virtualenv and pip-installs kgen from this repository, as a user's
pre-commit does. `pre-commit try-repo` builds its environment afresh on every call (its store is
a temporary folder), so one test uses it exactly as a user trying the hooks would, and the others
share one environment: a snapshot of this repository (its commits plus its uncommitted changes to
tracked files, as try-repo takes it) installed once into a PRE_COMMIT_HOME that every test and
every xdist worker uses.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from filelock import FileLock

from kgen.cli import run as kgen_run
from tests.conftest import REPO

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]

GOOD = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: good
data:
  retries: "3"
"""

BAD = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  retries: 3
"""
BAD_FINDING = (
    "{path}:6:3: error schema-invalid data.retries: 3 is read as an integer by kubectl and the API "
    'server (YAML as go-yaml v2 resolves it), not as text; quote it: "3" [ConfigMap settings]'
)

# A repository's ordinary YAML, which the kgen-check hook must pass over without a word.
ORDINARY = {
    ".github/workflows/ci.yml": """\
name: ci
on: [push]
jobs:
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix: {os: [ubuntu-latest]}
    steps:
      - uses: actions/checkout@v4
      - run: echo ${{ github.sha }}
""",
    "chart/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
    "chart/values.yaml": "replicas: 2\nimage: {repository: nginx, tag: '1.27'}\n",
    "chart/templates/deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    {{- include "shop.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
""",
    "deploy/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../manifests/good.yaml]
""",
    "docker-compose.yml": "services:\n  web: {image: nginx}\n",
}


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env.update(
        PRE_COMMIT_HOME=str(home),
        PRE_COMMIT_COLOR="never",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="kgen tests",
        GIT_AUTHOR_EMAIL="tests@kgen.invalid",
        GIT_COMMITTER_NAME="kgen tests",
        GIT_COMMITTER_EMAIL="tests@kgen.invalid",
    )
    return env


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env=_env(repo), capture_output=True, text=True, check=True
    )
    return done.stdout


def _new_repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    _git(root, "init", "-q", "-b", "main")
    _write(root, files)
    return root


def _write(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _commit(repo: Path) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--no-gpg-sign", "-m", "change")


def _snapshot(source: Path, dest: Path) -> str:
    """A clone of ``source`` with its uncommitted changes to tracked files committed; its HEAD."""
    subprocess.run(["git", "clone", "-q", str(source), str(dest)], env=_env(dest), check=True)
    changed = [n for n in _git(source, "--no-optional-locks", "diff", "HEAD", "--name-only", "-z").split("\0") if n]
    for name in changed:
        if (source / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, dest / name)
        elif (dest / name).exists():
            (dest / name).unlink()
    _git(dest, "add", "-A")
    if _git(dest, "status", "--porcelain"):
        _git(dest, "commit", "-q", "--no-gpg-sign", "--no-verify", "-m", "uncommitted changes")
    return _git(dest, "rev-parse", "HEAD").strip()


@dataclass(frozen=True)
class Hooks:
    """This repository's hooks, their environment installed in ``home`` from ``source`` at ``rev``."""

    source: Path
    rev: str
    home: Path

    def config(self, folder: Path, *hooks: dict[str, Any]) -> Path:
        """A pre-commit config in ``folder`` naming ``hooks`` (ids with the user's overrides)."""
        repos = [{"repo": str(self.source), "rev": self.rev, "hooks": list(hooks)}]
        path = folder / "pre-commit-config.yaml"
        path.write_text(yaml.safe_dump({"repos": repos}), encoding="utf-8")
        return path

    def run(self, repo: Path, *args: str, config: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*PRE_COMMIT, "run", "--config", str(config or self.source.parent / "pre-commit-config.yaml"), *args],
            cwd=repo,
            env=_env(self.home),
            capture_output=True,
            text=True,
        )


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Hooks:
    # One environment for the whole run: under xdist every worker finds the same folder,
    # and the first to take the lock installs it (the pytest-xdist recipe for run-once fixtures).
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if worker_id != "master" else base) / "kgen-pre-commit"
    shared.mkdir(exist_ok=True)
    with FileLock(str(shared / "lock")):
        if not (shared / "installed").exists():
            rev = _snapshot(REPO, shared / "source")
            installed = Hooks(shared / "source", rev, shared / "home")
            config = installed.config(
                shared,
                {"id": "kgen-check"},
                {"id": "kgen-render-check", "args": ["profiles/", "-o", "k8s/"]},
                {"id": "kgen-dockerfile"},
            )
            done = subprocess.run(
                [*PRE_COMMIT, "install-hooks", "--config", str(config)],
                cwd=shared / "source",
                env=_env(shared / "home"),
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stdout + done.stderr
            (shared / "installed").write_text(rev, encoding="utf-8")
    return Hooks(shared / "source", (shared / "installed").read_text(encoding="utf-8"), shared / "home")


def _hook_output(stdout: str) -> str:
    """What the hooks printed, without pre-commit's own status lines."""
    lines = stdout.splitlines()
    kept = [
        line
        for line in lines
        if not re.match(r"^(kgen check Dockerfiles|kgen check|kgen render --check)\.{3,}", line)
        and not line.startswith("- hook id: ")
        and not line.startswith("- exit code: ")
        and not line.startswith("- files were modified")
    ]
    return "\n".join(kept).strip("\n")


def test_try_repo_reports_the_bad_manifest_and_passes_over_ordinary_yaml(tmp_path: Path) -> None:
    files = {"manifests/good.yaml": GOOD, "manifests/bad.yaml": BAD, **ORDINARY}
    repo = _new_repo(tmp_path / "repo", files)
    _commit(repo)
    done = subprocess.run(
        [*PRE_COMMIT, "try-repo", str(REPO), "kgen-check", "--all-files"],
        cwd=repo,
        env=_env(tmp_path / "home"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^kgen check\.+Failed$", done.stdout, re.M), done.stdout
    assert "- exit code: 1" in done.stdout
    lines = done.stdout.splitlines()
    assert BAD_FINDING.format(path="manifests/bad.yaml") in lines
    # The one finding, and nothing about the workflow, the chart or the kustomization: the
    # summary counts the files kgen was given (Helm templates and kustomization files are not).
    assert [line for line in lines if re.match(r"^\S+:\d+:\d+: ", line)] == [
        BAD_FINDING.format(path="manifests/bad.yaml")
    ]
    assert "1 error in 6 files (2 objects; skipped: 4 not Kubernetes)" in lines


def test_check_passes_on_good_manifests_and_ordinary_yaml(tmp_path: Path, hooks: Hooks) -> None:
    repo = _new_repo(tmp_path / "repo", {"manifests/good.yaml": GOOD, **ORDINARY})
    _commit(repo)
    done = hooks.run(repo, "kgen-check", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^kgen check\.+Passed$", done.stdout, re.M), done.stdout
    assert _hook_output(done.stdout) == ""


def test_check_runs_on_the_changed_files_only(tmp_path: Path, hooks: Hooks) -> None:
    # A bad manifest already committed is not the next commit's business: the hook checks
    # what is staged (and fails on it), as pre-commit hooks do.
    repo = _new_repo(tmp_path / "repo", {"old/bad.yaml": BAD})
    _commit(repo)
    _write(repo, {"new/good.yaml": GOOD})
    _git(repo, "add", "new/good.yaml")
    done = hooks.run(repo, "kgen-check")
    assert done.returncode == 0, done.stdout + done.stderr
    _write(repo, {"new/bad.yaml": BAD})
    _git(repo, "add", "new/bad.yaml")
    done = hooks.run(repo, "kgen-check")
    assert done.returncode == 1, done.stdout + done.stderr
    assert _hook_output(done.stdout).splitlines()[0] == BAD_FINDING.format(path="new/bad.yaml")
    assert "old/bad.yaml" not in done.stdout


def test_many_files_are_checked_in_several_runs_and_every_finding_is_reported_once(
    tmp_path: Path, hooks: Hooks
) -> None:
    # 300 files whose paths, with the command, are longer than pre-commit's command-line
    # budget (at most 128 KiB): pre-commit must split the list over several kgen runs.
    deep = "/".join(["d" * 200, "e" * 200, "f" * 200])  # 300 x 613 characters
    files = {f"{deep}/f{i:03d}.yaml": GOOD.replace("name: good", f"name: good-{i}") for i in range(300)}
    bad = [0, 149, 299]  # the first file, one in the middle and the last one
    for i in bad:
        files[f"{deep}/f{i:03d}.yaml"] = BAD.replace("name: settings", f"name: settings-{i}")
    repo = _new_repo(tmp_path / "repo", files)
    _commit(repo)
    done = hooks.run(repo, "kgen-check", "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    output = _hook_output(done.stdout)
    findings = [line for line in output.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)]
    assert findings == [
        BAD_FINDING.format(path=f"{deep}/f{i:03d}.yaml").replace(
            "[ConfigMap settings]", f"[ConfigMap settings-{i}]"
        )
        for i in bad
    ]
    summary = r"^(\d+) errors? in (\d+) files|^no problems found in \d+ objects? \((\d+) files\)"
    summaries = re.findall(summary, output, re.M)
    assert len(summaries) >= 2, output  # several kgen runs
    assert sum(int(s[1] or s[2]) for s in summaries) == 300  # each file checked exactly once
    assert sum(int(s[0] or 0) for s in summaries) == len(bad)


PROFILE = """\
name: shop-api
type: web
image: ghcr.io/acme/shop-api:1.4.2
namespace: shop
port: 8080
health:
  path: /healthz
"""


def test_render_check_passes_when_the_output_is_current_and_fails_when_it_is_stale(
    tmp_path: Path, hooks: Hooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _new_repo(tmp_path / "repo", {"profiles/shop-api.yaml": PROFILE, "README.md": "shop\n"})
    monkeypatch.chdir(repo)
    assert kgen_run(["render", "profiles/", "-o", "k8s/"]) == 0
    _commit(repo)
    # --all-files hands pre-commit every file; were they passed to kgen render, the rendered
    # manifests would be read as profiles and the run would fail.
    done = hooks.run(repo, "kgen-render-check", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^kgen render --check\.+Passed$", done.stdout, re.M), done.stdout
    # A commit that touches no YAML at all still runs the guard (a deleted output file is no
    # changed file pre-commit would pass).
    deployment = repo / "k8s" / "deployment-shop-api.yaml"
    assert deployment.is_file(), sorted(str(p.relative_to(repo)) for p in (repo / "k8s").rglob("*"))
    deployment.unlink()
    _write(repo, {"README.md": "shop, the api\n"})
    _git(repo, "add", "-A")
    done = hooks.run(repo, "kgen-render-check")
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^kgen render --check\.+Failed$", done.stdout, re.M), done.stdout
    assert "  missing: k8s/deployment-shop-api.yaml" in _hook_output(done.stdout).splitlines()


def test_narrowed_to_a_folder_with_json_as_the_readme_says(tmp_path: Path, hooks: Hooks) -> None:
    json_bad = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}, "data": {"n": 1}}\n'
    files = {"k8s/settings.json": json_bad, "k8s/good.yaml": GOOD, "elsewhere/bad.yaml": BAD, "package.json": "{}\n"}
    repo = _new_repo(tmp_path / "repo", files)
    _commit(repo)
    config = hooks.config(tmp_path, {"id": "kgen-check", "files": "^k8s/", "types_or": ["yaml", "json"]})
    done = hooks.run(repo, "kgen-check", "--all-files", config=config)
    assert done.returncode == 1, done.stdout + done.stderr
    output = _hook_output(done.stdout)
    assert [line for line in output.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)] == [
        'k8s/settings.json:1:79: error schema-invalid data.n: 1 is read as an integer by kubectl and the API server '
        '(YAML as go-yaml v2 resolves it), not as text; quote it: "1" [ConfigMap j]'
    ], output
    assert "1 error in 2 files (2 objects)" in output


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""

PDB = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
"""


def test_the_folder_mode_lets_rules_that_relate_objects_see_the_unchanged_files(tmp_path: Path, hooks: Hooks) -> None:
    repo = _new_repo(tmp_path / "repo", {"k8s/deployment.yaml": DEPLOYMENT, "k8s/pdb.yaml": PDB})
    _commit(repo)
    _write(repo, {"k8s/deployment.yaml": DEPLOYMENT.replace("replicas: 3", "replicas: 4")})
    _git(repo, "add", "-A")
    # Given the changed file alone, kgen cannot know of the PodDisruptionBudget next to it ...
    per_file = hooks.config(tmp_path, {"id": "kgen-check", "args": ["--fail-on", "never", "--format", "json"]})
    done = hooks.run(repo, "kgen-check", "--verbose", config=per_file)
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"rule": "pdb-missing"' in done.stdout
    # ... given the folder, it does.
    (tmp_path / "folder").mkdir()
    folder = hooks.config(
        tmp_path / "folder",
        {"id": "kgen-check", "files": "^k8s/", "pass_filenames": False, "args": ["k8s/", "--fail-on", "never", "--format", "json"]},
    )
    done = hooks.run(repo, "kgen-check", "--verbose", config=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"rule": "' in done.stdout  # the JSON report was printed (other findings on the Deployment)
    assert '"rule": "pdb-missing"' not in done.stdout


def test_the_readme_config_names_the_hooks_this_repository_has() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("# .pre-commit-config.yaml\n") :]
    block = block[: block.index("```")]
    config = yaml.safe_load(block)
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in config["repos"][0]["hooks"]] == [hook["id"] for hook in manifest]
    render = next(hook for hook in config["repos"][0]["hooks"] if hook["id"] == "kgen-render-check")
    assert render["args"] == ["profiles/", "-o", "k8s/"]  # the form the hook is tested with above


def test_the_dockerfile_hook_checks_changed_dockerfiles_only(tmp_path: Path, hooks: Hooks) -> None:
    good = "FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py .\nUSER 10001\nCMD [\"python\", \"app.py\"]\n"
    bad = "FROM python\nCMD python app.py\n"
    repo = _new_repo(tmp_path / "repo", {"services/api/Dockerfile": good, "manifests/good.yaml": GOOD, **ORDINARY})
    _commit(repo)
    done = hooks.run(repo, "kgen-dockerfile", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _hook_output(done.stdout) == ""
    _write(repo, {"services/web/web.Dockerfile": bad})
    _git(repo, "add", "services/web/web.Dockerfile")
    done = hooks.run(repo, "kgen-dockerfile")
    assert done.returncode == 1, done.stdout + done.stderr
    found = [line.split(" ")[0:3] for line in _hook_output(done.stdout).splitlines() if re.match(r"^\S+:\d+:\d+: ", line)]
    assert ["services/web/web.Dockerfile:1:1:", "warning", "dockerfile-base-unpinned"] in found
    assert ["services/web/web.Dockerfile:2:1:", "warning", "dockerfile-cmd-shell-form"] in found
    assert all(item[0].startswith("services/web/web.Dockerfile:") for item in found)
