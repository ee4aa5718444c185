"""The code's shape: imports point one way along the data, click stays in the CLI,
nothing below the CLI prints, and the package type-checks under mypy --strict."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "kgen"

# Which kgen packages each layer may import (besides itself, kgen.errors and kgen.safetext, leaves
# every layer may use).
ALLOWED = {
    "kgen.load": set(),
    "kgen.model": {"kgen.load", "kgen.resources"},
    "kgen.report": {"kgen.check.result"},
    "kgen.check": {"kgen.load", "kgen.model", "kgen.resources", "kgen.output"},
    "kgen.diff": {"kgen.load", "kgen.model"},
    "kgen.render": {"kgen.load", "kgen.model", "kgen.resources", "kgen.output"},
}
LEAVES = {"kgen.errors", "kgen.safetext", "kgen.signals"}
# The render guard compares a render with a folder through the diff engine.
EXCEPTIONS = {("kgen.render.guard", "kgen.diff")}


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((name, path))
    return found


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def layer(name: str) -> str | None:
    return next((l for l in ALLOWED if name == l or name.startswith(l + ".")), None)


def test_the_leaves_import_nothing_of_kgen() -> None:
    for leaf in ("safetext.py", "signals.py"):
        assert not {name for name in imports_of(PACKAGE / leaf) if name.startswith("kgen")}, leaf


@pytest.mark.parametrize(("name", "path"), modules(), ids=[n for n, _ in modules()])
def test_imports_point_one_way(name: str, path: Path) -> None:
    own = layer(name)
    for imported in imports_of(path):
        if imported == "click" or imported.startswith("click."):
            assert name.startswith("kgen.cli"), f"{name} imports click; only kgen/cli may"
        if not imported.startswith("kgen.") or own is None:
            continue
        if imported in LEAVES or imported == own or imported.startswith(own + "."):
            continue
        if any(name.startswith(a) and imported.startswith(b) for a, b in EXCEPTIONS):
            continue
        allowed = ALLOWED[own]
        assert any(imported == a or imported.startswith(a + ".") for a in allowed), f"{name} imports {imported}"


@pytest.mark.parametrize(("name", "path"), modules(), ids=[n for n, _ in modules()])
def test_nothing_below_the_cli_prints(name: str, path: Path) -> None:
    if name.startswith("kgen.cli"):
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"]
    assert not calls, f"{name} prints"


def test_mypy_strict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10", "kgen"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:]


def test_logic_modules_use_the_typed_rule_api_and_declare_nothing_by_module_constants() -> None:
    import importlib
    import inspect
    import pkgutil

    import kgen.check.logic
    from kgen.check.api import Context, Target
    from kgen.load.dockerfile import Dockerfile

    for info in pkgutil.iter_modules(kgen.check.logic.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"kgen.check.logic.{info.name}")
        if info.name.startswith("dockerfile_"):  # a Dockerfile rule: check_dockerfile(dockerfile, params), nothing else
            assert not hasattr(module, "check"), info.name
            hints = inspect.get_annotations(module.check_dockerfile, eval_str=True)
            assert hints["dockerfile"] is Dockerfile, info.name
            continue
        hints = inspect.get_annotations(module.check, eval_str=True)
        assert hints["target"] is Target and hints["ctx"] is Context, info.name
        assert not hasattr(module, "CROSS_OBJECT") and not hasattr(module, "PATHS"), (
            f"{info.name}: a cross-object rule declares itself in its policy file (crossObject.reports)"
        )


#: What a check of one manifest file in text format never needs: worker processes, the other
#: formats' libraries, the Dockerfile parser, jsonschema (only a schema-invalid object needs it: a
#: schema predicate's findings are placed by kgen.check.explain), did-you-mean hints. Each costs
#: milliseconds of every pre-commit run.
NOT_FOR_ONE_FILE = (
    "multiprocessing", "pickle", "kgen.check.parallel", "xml.etree.ElementTree", "kgen.report.junit",
    "kgen.report.sarif", "kgen.report.gitlab", "hashlib", "difflib", "jsonschema", "kgen.check.dockerfile_check",
    "kgen.load.dockerfile", "kgen.model.dockerimage",
)


@pytest.mark.parametrize("text", [None, "limits"])
def test_a_check_of_one_file_imports_only_what_it_uses(text: str | None, tmp_path: Path) -> None:
    manifest = REPO / "fixtures" / "manifests" / "deployment.yaml"
    if text is not None:  # a container without limits: findings of schema predicates (cpu- and memory-limits-missing)
        manifest = tmp_path / "deployment.yaml"
        manifest.write_text(
            (REPO / "fixtures" / "manifests" / "deployment.yaml").read_text().replace("            limits: {cpu: 200m, memory: 256Mi}\n", ""),
            encoding="utf-8",
        )
    script = (
        "import sys\n"
        "from kgen.cli import run\n"
        "code = run(['check', sys.argv[1], '--no-config', '--fail-on', 'info'])\n"
        f"print(code, sorted(m for m in {NOT_FOR_ONE_FILE!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(manifest)], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.splitlines()[-1] == "1 []"
    assert ("limits-missing" in done.stdout) == (text is not None)
