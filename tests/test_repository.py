"""What a fresh clone carries: its licence, the corpus slice with its sources, the SARIF schema."""

from __future__ import annotations

import hashlib
import re

from tests.conftest import CORPUS, REPO

# The Apache License 2.0 as published at https://www.apache.org/licenses/LICENSE-2.0.txt
APACHE_2_0_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"


def test_the_licence_file_is_the_one_pyproject_declares() -> None:
    project = (REPO / "pyproject.toml").read_text(encoding="utf-8").split("\n[project]\n", 1)[1].split("\n[", 1)[0]
    assert re.findall(r"^license(?:-files)? = .*$", project, re.M) == ['license = "Apache-2.0"', 'license-files = ["LICENSE"]']
    assert hashlib.sha256((REPO / "LICENSE").read_bytes()).hexdigest() == APACHE_2_0_SHA256


def test_the_corpus_slice_carries_its_licence() -> None:
    assert (CORPUS / "LICENSE-APACHE-2.0").read_bytes() == (REPO / "LICENSE").read_bytes()


def test_every_corpus_file_is_named_in_sources_with_its_commit() -> None:
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    commits = dict(re.findall(r"^\| `([a-z-]+)/` \| github\.com/\S+ \| `([0-9a-f]{40})` \|$", sources, re.M))
    rows = re.findall(r"^\| `([^`]+)` \| github\.com/\S+ \| `([0-9a-f]{12})` \| `([^`]+)` \|$", sources, re.M)
    carried = sorted(
        path.relative_to(CORPUS).as_posix()
        for path in CORPUS.rglob("*")
        if path.is_file() and path.name not in ("SOURCES.md", "LICENSE-APACHE-2.0")
    )
    assert sorted(row[0] for row in rows) == carried
    for file, commit, original in rows:
        folder, rest = file.split("/", 1)
        assert commits[folder].startswith(commit), file
        assert rest == original, file


def test_the_sarif_schema_is_carried() -> None:
    schema = (REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
    assert '"$schema": "http://json-schema.org/draft-04/schema#"' in schema
    assert "sarif-schema-2.1.0.json" in (REPO / "tests" / "data" / "README.md").read_text(encoding="utf-8")


def test_every_package_of_kgen_is_one_pyproject_ships() -> None:
    """setuptools ships only the packages pyproject lists: a package left out is missing from the wheel."""
    tool = (REPO / "pyproject.toml").read_text(encoding="utf-8").split("\n[tool.setuptools]\n", 1)[1].split("\n[", 1)[0]
    listed = set(re.findall(r'"(kgen[\w.]*)"', tool))
    found = {
        ".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "kgen").rglob("__init__.py")
    }
    assert found - listed == set()


def test_nothing_reads_outside_the_repository() -> None:
    """The tests, the package, CI and the benchmark work in a fresh clone alone: the corpus they read
    is the slice in fixtures/corpus (the benchmark takes a fuller one only by path, --corpus), and no
    source builds a path from the folder above the repository's top."""
    import subprocess

    from tests.conftest import CORPUS

    assert CORPUS.is_relative_to(REPO) and len(list(CORPUS.rglob("*.yaml"))) > 20
    found = subprocess.run(
        ["git", "grep", "-n", "-I", "-E", r"REPO\.parent|HERE\.parent\.parent", "--",
         "tests", "kgen", "benchmarks/run.py", ".ci", "pyproject.toml"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert (found.returncode, found.stdout) == (1, "")  # git grep: 1 is "no match"
