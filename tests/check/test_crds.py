"""Custom resources validated against their CustomResourceDefinitions (schema-invalid).

Real CRDs from prometheus-operator, cert-manager and Argo CD (fixtures/crds/) with resources
written against them, and hand-written CRDs for each structural-schema rule, the order CRDs
come in, worker processes, the crds: config field and --crds, and broken CRDs."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from click.testing import CliRunner

from kgen.check.engine import CheckOptions, run_check
from kgen.check.result import CheckResult
from kgen.cli import cli
from kgen.errors import ConfigError
from kgen.check import parallel
from tests.check.support import loc, write
from tests.conftest import REPO

CRDS = REPO / "fixtures" / "crds"
RESOURCES = CRDS / "resources"

Row = tuple[int, int, str]


def run(*paths: Path, **options: object) -> CheckResult:
    return run_check(CheckOptions(paths=tuple(map(str, paths)), discover_config=False, **options))  # type: ignore[arg-type]


def rows(result: CheckResult, file: Path | None = None) -> list[Row]:
    return [
        (f.line, f.column, f.message)
        for f in result.findings
        if f.rule == "schema-invalid" and (file is None or f.file == str(file))
    ]


# --- real CRDs ----------------------------------------------------------------------------------

MONITORING_PATTERN = "'^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$'"


def test_prometheus_operator_resources() -> None:
    result = run(RESOURCES / "servicemonitor-invalid.yaml", crd_paths=(CRDS / "prometheus-operator",))
    assert rows(result) == [
        (10, 3, 'spec.jobLabel: 5 is read as an integer by kubectl and the API server (YAML as go-yaml v2 '
                'resolves it), not as text; quote it: "5"'),
        (13, 7, f'spec.endpoints[0].interval: "30 seconds" should match {MONITORING_PATTERN}'),
        (14, 7, 'spec.endpoints[0].scheme: "ftp" is not one of ["http", "https", "HTTP", "HTTPS"]'),
        (15, 7, "spec.endpoints[0].targetPort: 80.5 is not of type integer or string"),
        (16, 7, 'spec.endpoints[0].honorLabels: "true" is not of type boolean'),
        (17, 7, "spec.endpoints[0].scrapeInterval: unknown field 'scrapeInterval'"),
        (24, 1, "spec: 'selector' is required"),
        (35, 7, "spec.groups[0]: 'name' is required"),
        (37, 11, "spec.groups[0].rules[0]: 'expr' is required"),
        (38, 11, f'spec.groups[0].rules[0].for: "5 minutes" should match {MONITORING_PATTERN}'),
        (40, 11, 'spec.groups[0].rules[1].expr: ["up"] is not of type integer or string'),
    ]
    assert {f.severity for f in result.findings if f.rule == "schema-invalid"} == {"error"}
    assert result.summary.skipped_unknown_kind == 0


def test_cert_manager_resources() -> None:
    result = run(RESOURCES / "certificate-invalid.yaml", crd_paths=(CRDS / "cert-manager",))
    crd = CRDS / "cert-manager" / "cert-manager.io_certificates.yaml"
    usages = rows(result)[3][2]
    assert usages.startswith('spec.usages[1]: "tls" is not one of ["signing", "digital signature", ')
    assert rows(result) == [
        (6, 1, "spec: 'secretName' is required"),
        (10, 5, 'spec.privateKey.algorithm: "rsa" is not one of ["RSA", "ECDSA", "Ed25519"]'),
        (11, 5, 'spec.privateKey.size: "2048" is not of type integer'),
        (14, 7, usages),
        (15, 3, "spec.issuerRef: 'name' is required"),
        (18, 1, f"apiVersion: cert-manager.io/v1alpha2 is not a version of Certificate: its CustomResourceDefinition "
                f"certificates.cert-manager.io ({crd}:2) does not define it; it serves cert-manager.io/v1"),
        (34, 3, "spec.acme: 'privateKeySecretRef' is required"),
        (34, 3, "spec.acme: 'server' is required"),
    ]


def test_argo_cd_resources() -> None:
    result = run(RESOURCES / "application-invalid.yaml", crd_paths=(CRDS / "argo-cd" / "application-crd.yaml",))
    assert rows(result) == [
        (4, 3, "metadata.name: 'Guestbook_App': a lowercase RFC 1123 subdomain must consist of lower case "
               "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"),
        (7, 5, "metadata.labels.example.com/Team Name: label key 'example.com/Team Name': name part must consist "
               "of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
               "character (at most 63)"),
        (8, 1, "spec: 'project' is required"),
        (17, 7, 'spec.syncPolicy.automated.prune: "true" is not of type boolean'),
        (19, 7, 'spec.syncPolicy.retry.limit: "five" is not of type integer'),
    ]


@pytest.mark.parametrize(
    "name", ["servicemonitor-valid.yaml", "certificate-valid.yaml", "application-valid.yaml"]
)
def test_valid_resources_of_real_crds_pass(name: str) -> None:
    result = run(RESOURCES / name, crd_paths=(CRDS,))
    assert rows(result) == []
    assert result.summary.skipped_unknown_kind == 0  # validated, not skipped
    assert all("schema-invalid" in o.rules for o in result.objects)


def test_the_real_crds_themselves_check_clean() -> None:
    files = sorted(p for p in CRDS.rglob("*.yaml") if p.parent != RESOURCES)
    assert len(files) == 5
    assert rows(run(*files)) == []


# --- where CRDs come from ------------------------------------------------------------------------

WIDGET_CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      subresources:
        status: {}
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size, mode]
              properties:
                size: {type: integer, minimum: 1, maximum: 10}
                mode: {type: string, enum: [fast, slow], default: fast}
                port:
                  x-kubernetes-int-or-string: true
                  anyOf: [{type: integer}, {type: string}]
                config:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
                  properties:
                    replicas: {type: integer}
                template:
                  type: object
                  x-kubernetes-embedded-resource: true
                  x-kubernetes-preserve-unknown-fields: true
                tags:
                  type: array
                  items: {type: string, nullable: true, maxLength: 5}
                names:
                  type: array
                  items: {type: string}
                ports:
                  type: array
                  x-kubernetes-list-type: map
                  x-kubernetes-list-map-keys: [name]
                  items:
                    type: object
                    properties:
                      name: {type: string}
                      port: {type: integer}
                labels:
                  type: object
                  additionalProperties: {type: string}
            status:
              type: object
              properties:
                ready: {type: boolean}
    - name: v1beta1
      served: false
      storage: false
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
"""

WIDGET = """
apiVersion: example.com/v1
kind: Widget
metadata:
  name: small
spec:
  size: 11
"""


def test_crd_after_its_resources_in_the_file_list(tmp_path: Path) -> None:
    widget = write(tmp_path, WIDGET, "a-widget.yaml")
    crd = write(tmp_path, WIDGET_CRD, "z-crd.yaml")
    expected = [(6, 3, "spec.size: 11 should be less than or equal to 10")]
    assert rows(run(widget, crd)) == expected
    assert rows(run(crd, widget)) == expected
    assert rows(run(tmp_path)) == expected


def test_crd_after_its_resource_in_the_same_file(tmp_path: Path) -> None:
    both = write(tmp_path, WIDGET + "---" + WIDGET_CRD)
    assert rows(run(both)) == [(6, 3, "spec.size: 11 should be less than or equal to 10")]


def test_workers_give_the_same_findings(tmp_path: Path) -> None:
    for number in range(parallel.MIN_FILES + 8):  # above the worker threshold
        write(tmp_path, WIDGET.replace("small", f"w{number:02}").replace("11", str(number)), f"w{number:02}.yaml")
    write(tmp_path, WIDGET_CRD, "zz-crd.yaml")
    one = run(tmp_path)
    two = run(tmp_path, jobs=2)
    assert [(f.file, f.line, f.column, f.message) for f in one.findings if f.rule == "schema-invalid"] == [
        (f.file, f.line, f.column, f.message) for f in two.findings if f.rule == "schema-invalid"
    ]
    bad = sorted(f.file for f in one.findings if f.rule == "schema-invalid")
    assert [Path(f).name for f in bad] == ["w00.yaml", *[f"w{n}.yaml" for n in range(11, parallel.MIN_FILES + 8)]]
    assert one.summary.skipped_unknown_kind == two.summary.skipped_unknown_kind == 0


def test_crds_config_field_is_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "vendor").mkdir()
    write(tmp_path / "vendor", WIDGET_CRD, "widget-crd.yaml")
    config = write(tmp_path, "crds: [vendor]\n", ".kgen.yaml")
    widget = write(tmp_path / "vendor", WIDGET, "not-a-crd-folder-resource.yaml")
    elsewhere = tmp_path / "app"
    elsewhere.mkdir()
    manifest = write(elsewhere, WIDGET)
    result = run_check(CheckOptions(paths=(str(manifest),), config_path=config))
    assert rows(result) == [(6, 3, "spec.size: 11 should be less than or equal to 10")]
    assert all(f.file != str(widget) for f in result.findings)  # nothing but CRDs is read from a crds folder


def test_crd_among_checked_objects_replaces_one_from_a_folder(tmp_path: Path) -> None:
    (tmp_path / "vendor").mkdir()
    write(tmp_path / "vendor", WIDGET_CRD.replace("maximum: 10", "maximum: 20"), "crd.yaml")
    crd = write(tmp_path, WIDGET_CRD, "crd.yaml")
    widget = write(tmp_path, WIDGET, "widget.yaml")
    assert rows(run(widget, crd_paths=(tmp_path / "vendor",))) == []
    assert rows(run(widget, crd, crd_paths=(tmp_path / "vendor",))) == [
        (6, 3, "spec.size: 11 should be less than or equal to 10")
    ]


def test_a_missing_crds_path_is_a_config_error(tmp_path: Path) -> None:
    widget = write(tmp_path, WIDGET)
    with pytest.raises(ConfigError, match="crds: no such file or directory"):
        run(widget, crd_paths=(tmp_path / "nowhere",))
    outcome = CliRunner().invoke(cli, ["check", str(widget), "--no-config", "--crds", str(tmp_path / "nowhere")])
    assert outcome.exit_code == 2
    assert "crds: no such file or directory" in outcome.output


def test_a_crds_file_that_is_not_yaml_is_a_config_error(tmp_path: Path) -> None:
    broken = write(tmp_path, "kind: CustomResourceDefinition\nspec: [\n", "broken.yaml")
    with pytest.raises(ConfigError) as caught:
        run(write(tmp_path, WIDGET), crd_paths=(broken,))
    assert caught.value.message.startswith("crds: ")
    assert caught.value.location is not None and caught.value.location.file == str(broken)


def test_cli_crds_option(tmp_path: Path) -> None:
    (tmp_path / "vendor").mkdir()
    write(tmp_path / "vendor", WIDGET_CRD, "crd.yaml")
    widget = write(tmp_path, WIDGET)
    args = ["check", str(widget), "--no-config", "--disable", "default-namespace", "--fail-on", "error"]
    assert CliRunner().invoke(cli, args).exit_code == 0  # no CRD: skipped
    outcome = CliRunner().invoke(cli, [*args, "--crds", str(tmp_path / "vendor"), "--format", "github"])
    assert outcome.exit_code == 1
    assert "spec.size: 11 should be less than or equal to 10" in outcome.output
    assert "--crds" in CliRunner().invoke(cli, ["check", "--help"]).output


# --- structural-schema semantics -----------------------------------------------------------------


def widget_rows(tmp_path: Path, spec: str, extra: str = "", api_version: str = "example.com/v1") -> list[Row]:
    text = f"apiVersion: {api_version}\nkind: Widget\nmetadata:\n  name: w\n{extra}spec:\n" + spec
    return rows(run(write(tmp_path, text, "widget.yaml"), write(tmp_path, WIDGET_CRD, "crd.yaml")))


def indent(text: str) -> str:
    return "".join("  " + line + "\n" for line in dedent(text).strip("\n").splitlines())


def test_a_valid_widget_uses_every_extension(tmp_path: Path) -> None:
    spec = indent("""
        size: 3
        port: http
        config: {replicas: 2, anything: [1, 2], nested: {deep: true}}
        template:
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: inner, labels: {a: b}}
          data: {key: value}
        tags: [a, null, bc]
        ports: [{name: http, port: 80}, {name: https, port: 443}]
        labels: {tier: web}
    """)
    assert widget_rows(tmp_path, spec, extra="status: {ready: 5}\n") == []  # status: the subresource's, dropped


def test_a_required_field_with_a_default_is_not_missing(tmp_path: Path) -> None:
    assert widget_rows(tmp_path, indent("size: 2")) == []  # mode is required and defaulted
    assert widget_rows(tmp_path, "  mode: slow\n") == [(5, 1, "spec: 'size' is required")]


def test_int_or_string(tmp_path: Path) -> None:
    assert widget_rows(tmp_path, indent("size: 2\nport: 8080")) == []
    assert widget_rows(tmp_path, indent("size: 2\nport: true")) == [
        (7, 3, "spec.port: true is not of type integer or string")
    ]


def test_unknown_fields_are_refused_unless_preserved(tmp_path: Path) -> None:
    spec = indent("size: 2\nsise: 3\nconfig: {free: 1, replicas: two}")
    assert widget_rows(tmp_path, spec) == [
        (7, 3, "spec.sise: unknown field 'sise'"),
        (8, 21, 'spec.config.replicas: "two" is not of type integer'),
    ]


def test_top_level_unknown_field_and_metadata_as_object_meta(tmp_path: Path) -> None:
    extra = "specs: {}\n"
    text = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  lables: {a: b}\n" + extra
    text += "spec:\n  size: 2\n"
    found = rows(run(write(tmp_path, text, "widget.yaml"), write(tmp_path, WIDGET_CRD, "crd.yaml")))
    assert found == [
        (5, 3, "metadata.lables: unknown field 'lables'"),
        (6, 1, "specs: unknown field 'specs'"),
    ]


def test_embedded_resource_needs_api_version_and_kind(tmp_path: Path) -> None:
    spec = indent("""
        size: 2
        template:
          metadata: {name: inner, namespaces: x}
    """)
    assert widget_rows(tmp_path, spec) == [
        (7, 3, "spec.template: 'apiVersion' is required"),
        (7, 3, "spec.template: 'kind' is required"),
        (8, 29, "spec.template.metadata.namespaces: unknown field 'namespaces'"),
    ]


def test_nullable_and_list_types(tmp_path: Path) -> None:
    spec = indent("""
        size: 2
        tags: [toolong, null]
        names: [a, null]
        ports: [{name: http, port: 80}, {name: http, port: 8080}]
    """)
    assert widget_rows(tmp_path, spec) == [
        (7, 10, 'spec.tags[0]: "toolong" should be at most 5 chars long'),
        (8, 14, "spec.names[1]: null is not of type string"),
        (9, 36, 'spec.ports[1]: duplicate entry (name="http"), already at index 0'),
    ]


def test_versions_not_served(tmp_path: Path) -> None:
    origin = f"{tmp_path / 'crd.yaml'}:1"
    assert widget_rows(tmp_path, indent("size: 2"), api_version="example.com/v1beta1") == [
        (1, 1, "apiVersion: example.com/v1beta1 is not a version of Widget: its CustomResourceDefinition "
               f"widgets.example.com ({origin}) does not serve it (served: false); it serves example.com/v1"),
    ]
    assert widget_rows(tmp_path, indent("size: 2"), api_version="example.com/v2") == [
        (1, 1, "apiVersion: example.com/v2 is not a version of Widget: its CustomResourceDefinition "
               f"widgets.example.com ({origin}) does not define it; it serves example.com/v1"),
    ]


def test_resources_without_a_crd_stay_skipped_or_strict(tmp_path: Path) -> None:
    other = WIDGET.replace("Widget", "Gadget")
    path = write(tmp_path, other)
    crd = write(tmp_path, WIDGET_CRD, "crd.yaml")
    lax = run(path, crd)
    assert rows(lax, path) == [] and lax.summary.skipped_unknown_kind == 1
    strict = run(path, crd, strict=True)
    line, column = loc(other, "kind:")
    assert rows(strict, path) == [
        (line, column, "no schema for Gadget example.com/v1 in Kubernetes "
                       f"{strict.kubernetes_version} (an unknown kind, or an API version this release does not "
                       "serve) and no CustomResourceDefinition for it"),
    ]


def test_no_schema_option_validates_no_custom_resource(tmp_path: Path) -> None:
    result = run(write(tmp_path, WIDGET), write(tmp_path, WIDGET_CRD, "crd.yaml"), schema_validation=False)
    assert rows(result) == []


# --- broken CRDs ---------------------------------------------------------------------------------


def broken_crd(schema: str) -> str:
    head = WIDGET_CRD.split("      schema:\n")[0]
    body = "".join("          " + line + "\n" for line in dedent(schema).strip("\n").splitlines())
    return head + "      schema:\n        openAPIV3Schema:\n" + body


def test_a_crd_with_an_unknown_type_and_a_ref_loop(tmp_path: Path) -> None:
    crd = broken_crd("""
        type: object
        properties:
          spec:
            type: strng
          loop:
            $ref: "#/properties/loop"
    """)
    path = write(tmp_path, crd + "---" + WIDGET)
    origin = f"{path}:1"
    found = rows(run(path))
    at = "spec.versions[0].schema.openAPIV3Schema.properties"
    assert found == [
        (20, 15, f'{at}.spec.type: "strng" is not a type; supported values: array, boolean, integer, number, '
                 "object, string"),
        (21, 13, f"{at}.loop: type is required (a structural schema names the type of every field)"),
        (22, 15, f"{at}.loop.$ref: $ref is not allowed in a CustomResourceDefinition schema; write the "
                 "referenced schema out in place"),
        (25, 1, f"kind: Widget v1 cannot be created: the API server refuses the schema of its "
                f"CustomResourceDefinition widgets.example.com ({origin}): {at}.spec.type: \"strng\" is not a "
                "type; supported values: array, boolean, integer, number, object, string"),
    ]


def test_a_non_structural_crd(tmp_path: Path) -> None:
    crd = broken_crd("""
        type: object
        properties:
          spec:
            properties:
              list: {type: array}
              both: {type: object, properties: {a: {type: string}}, additionalProperties: {type: string}}
    """)
    at = "spec.versions[0].schema.openAPIV3Schema.properties.spec"
    assert rows(run(write(tmp_path, crd))) == [
        (19, 13, f"{at}: type is required (a structural schema names the type of every field)"),
        (21, 17, f"{at}.properties.list: items is required for an array"),
        (22, 71, f"{at}.properties.both.additionalProperties: additionalProperties and properties are mutual "
                 "exclusive"),
    ]


def test_a_crd_nested_too_deep_is_a_finding(tmp_path: Path) -> None:
    deep = "type: object\nproperties:\n  spec:\n" + "".join(
        "    " + "  " * level + "type: array\n" + "    " + "  " * level + "items:\n" for level in range(62)
    ) + "    " + "  " * 62 + "type: string\n"
    path = write(tmp_path, broken_crd(deep) + "---" + WIDGET)
    found = rows(run(path))
    assert len(found) == 2
    assert found[0][2].endswith(": the schema nests deeper than 60 levels")
    assert found[1][2].startswith("kind: Widget v1 cannot be created: the API server refuses the schema")


def test_a_huge_crd_is_compiled_once_and_quickly(tmp_path: Path) -> None:
    import time

    fields = "".join(f"    f{n}: {{type: integer, minimum: 0}}\n" for n in range(5000))
    crd = broken_crd("type: object\nproperties:\n  spec:\n    type: object\n    properties:\n" + fields.replace(
        "    f", "      f"))
    resources = "".join(
        f"---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w{n}\nspec:\n  f{n}: -1\n"
        for n in range(200)
    )
    path = write(tmp_path, crd + resources)
    start = time.perf_counter()
    found = rows(run(path))
    assert time.perf_counter() - start < 20
    assert len(found) == 200
    assert found[0][2] == "spec.f0: -1 should be greater than or equal to 0"


def test_a_broken_crd_in_a_crds_folder_is_named_on_its_resources(tmp_path: Path) -> None:
    (tmp_path / "vendor").mkdir()
    crd = write(tmp_path / "vendor", broken_crd("type: object\nproperties:\n  spec: {type: strng}"), "crd.yaml")
    widget = write(tmp_path, WIDGET)
    outcome = CliRunner().invoke(cli, ["check", str(widget), "--no-config", "--crds", str(tmp_path / "vendor")])
    assert outcome.exit_code == 1
    assert f"CustomResourceDefinition widgets.example.com ({crd}:1)" in outcome.output
    assert "Traceback" not in outcome.output


def test_a_pattern_that_backtracks_in_python_is_matched_in_linear_time(tmp_path: Path) -> None:
    import time

    crd = broken_crd("""
        type: object
        properties:
          spec:
            type: object
            properties:
              evil: {type: string, pattern: "^(a+)+$"}
              fine: {type: string, pattern: "^[a-z]+(\\\\.[a-z]+)*$"}
    """)
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n"
    widget += f"  evil: {'a' * 40}!\n  fine: Not.Lower\n"
    start = time.perf_counter()
    found = rows(run(write(tmp_path, crd + "---\n" + widget)))
    assert time.perf_counter() - start < 10
    assert found == [
        (30, 3, f"spec.evil: \"{'a' * 40}!\" should match '^(a+)+$'"),  # the API server refuses it too
        (31, 3, "spec.fine: \"Not.Lower\" should match '^[a-z]+(\\\\.[a-z]+)*$'"),
    ]
