"""A label change several objects share is said once, with the count; objects that changed only so are not listed."""

from __future__ import annotations

import json

from kgen.diff.api import DiffOptions, diff_texts, format_json, format_markdown, format_text


def config_map(name: str, chart: str, extra: str = "") -> str:
    return (
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}, namespace: shop, "
        f"labels: {{helm.sh/chart: {chart}, team: core}}}}\ndata: {{mode: fast{extra}}}\n"
    )


OLD = "---\n".join(config_map(n, "shop-1.2.0") for n in ("a", "b", "c"))
NEW = "---\n".join(config_map(n, "shop-1.3.0", ", level: two" if n == "b" else "") for n in ("a", "b", "c"))


def result():
    return diff_texts({"old.yaml": OLD}, {"new.yaml": NEW}, DiffOptions())


def test_text_says_the_shared_change_once() -> None:
    assert format_text(result()) == (
        '~ metadata.labels["helm.sh/chart"]: shop-1.2.0 → shop-1.3.0  (on 3 objects)\n'
        "\n"
        "~ ConfigMap shop/b  (new.yaml:6)\n"
        "  + data.level: two\n"
        "\n"
        "3 changed, 0 added, 0 removed, 0 unchanged; 0 risk notes.\n"
    )


def test_markdown_says_it_once_and_keeps_every_object_in_the_table() -> None:
    text = format_markdown(result())
    assert "| `~` | `ConfigMap shop/a` | 1 | 0 |" in text and "| `~` | `ConfigMap shop/c` | 1 | 0 |" in text
    assert '- `metadata.labels["helm.sh/chart"]: shop-1.2.0 → shop-1.3.0` on 3 objects' in text
    assert text.count("\n#### ") == 1 and "#### `~` `ConfigMap shop/b` changed" in text


def test_json_keeps_every_change_and_a_change_on_one_object_is_not_collapsed() -> None:
    data = json.loads(format_json(result()))
    assert sum(len(obj["changes"]) for obj in data["objects"]) == 4
    one = diff_texts({"old.yaml": OLD}, {"new.yaml": OLD.replace("shop-1.2.0", "shop-1.3.0", 1)}, DiffOptions())
    assert format_text(one).startswith("~ ConfigMap shop/a  (new.yaml:1)\n  metadata.labels")


def test_different_values_are_different_changes() -> None:
    new = NEW.replace("name: c, namespace: shop, labels: {helm.sh/chart: shop-1.3.0", "name: c, namespace: shop, labels: {helm.sh/chart: shop-2.0.0")
    text = format_text(diff_texts({"old.yaml": OLD}, {"new.yaml": new}, DiffOptions()))
    assert text.startswith('~ metadata.labels["helm.sh/chart"]: shop-1.2.0 → shop-1.3.0  (on 2 objects)\n')
    assert "~ ConfigMap shop/c  (new.yaml:11)\n  metadata.labels[\"helm.sh/chart\"]: shop-1.2.0 → shop-2.0.0\n" in text
