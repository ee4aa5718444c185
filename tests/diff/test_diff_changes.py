"""Each kind of change, with its exact path and values; Secret values never shown."""

from __future__ import annotations

import json

from diff_support import changes_of, diff_yaml, only_object
from kgen.diff.api import format_json, format_markdown, format_text
from kgen.diff.result import REDACTED

CONFIG = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: shop}\ndata: {mode: fast}\n"


def test_an_added_object() -> None:
    obj = only_object(diff_yaml("", CONFIG))
    assert (obj.change, obj.old_api_version, obj.new_api_version) == ("added", None, "v1")
    assert obj.changes == ()
    assert obj.content == {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app", "namespace": "shop"}, "data": {"mode": "fast"}}
    assert str(obj.new_source) == "new.yaml:1:1" and obj.old_source is None


def test_a_removed_object() -> None:
    obj = only_object(diff_yaml(CONFIG, ""))
    assert (obj.change, obj.old_api_version, obj.new_api_version) == ("removed", "v1", None)
    assert str(obj.old_source) == "old.yaml:1:1" and obj.new_source is None


def test_a_changed_value() -> None:
    assert changes_of(diff_yaml(CONFIG, CONFIG.replace("fast", "safe"))) == [("data.mode", "changed", "fast", "safe")]


def test_an_added_and_a_removed_field() -> None:
    new = CONFIG.replace("{mode: fast}", "{level: debug}")
    assert changes_of(diff_yaml(CONFIG, new)) == [
        ("data.level", "added", None, "debug"),
        ("data.mode", "removed", "fast", None),
    ]


def test_a_changed_type() -> None:
    new = CONFIG.replace("{mode: fast}", "[fast]")
    assert changes_of(diff_yaml(CONFIG, new)) == [("data", "changed", {"mode": "fast"}, ["fast"])]


def test_null_is_absent_as_the_api_server_decodes_it() -> None:
    new = CONFIG.replace("{mode: fast}", "{mode: null}")
    assert changes_of(diff_yaml(CONFIG, new)) == [("data.mode", "removed", "fast", None)]
    assert diff_yaml(new, CONFIG.replace("{mode: fast}", "{}")).objects == ()


def test_positional_list_items_added_removed_and_changed() -> None:
    old = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, args: [x, v, z]}\n"
    assert changes_of(diff_yaml(old, old.replace("[x, v, z]", "[x, q]"))) == [
        ("spec.containers[a].args[1]", "changed", "v", "q"),
        ("spec.containers[a].args[2]", "removed", "z", None),
    ]
    assert changes_of(diff_yaml(old, old.replace("[x, v, z]", "[x, v, z, w]"))) == [
        ("spec.containers[a].args[3]", "added", None, "w"),
    ]


def test_a_named_item_added_and_removed_shows_the_whole_item() -> None:
    old = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: 'a:1'}\n"
    new = old.replace("{name: a, image: 'a:1'}", "{name: b, image: 'b:1'}")
    assert changes_of(diff_yaml(old, new)) == [
        ("spec.containers[a]", "removed", {"name": "a", "image": "a:1"}, None),
        ("spec.containers[b]", "added", None, {"name": "b", "image": "b:1"}),
    ]


def test_keys_with_dots_read_quoted() -> None:
    old = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations: {prometheus.io/scrape: 'true'}\n"
    new = old.replace("'true'", "'false'")
    assert changes_of(diff_yaml(old, new)) == [
        ('metadata.annotations["prometheus.io/scrape"]', "changed", "true", "false")
    ]


def test_a_multi_line_value_prints_as_a_line_diff() -> None:
    old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  app.conf: |\n    a = 1\n    b = 2\n    c = 3\n"
    new = old.replace("b = 2", "b = 20")
    text = format_text(diff_yaml(old, new))
    assert '  data["app.conf"]:\n      @@ -1,3 +1,3 @@\n       a = 1\n      -b = 2\n      +b = 20\n       c = 3\n' in text


SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"b2xk"}}'
type: Opaque
data:
  password: b2xk
"""


def test_secret_values_are_never_shown_only_that_they_changed() -> None:
    new = SECRET.replace("b2xk", "bmV3").replace("type: Opaque", "type: Opaque\nstringData: {token: abc}")
    result = diff_yaml(SECRET, new)
    assert changes_of(result) == [
        ("data.password", "changed", REDACTED, REDACTED),
        ("data.token", "added", None, REDACTED),
        ('metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]', "changed", REDACTED, REDACTED),
    ]
    assert all(change.redacted for change in only_object(result).changes)
    for output in (format_text(result), format_markdown(result), format_json(result)):
        for secret in ("b2xk", "bmV3", "abc", "YWJj"):
            assert secret not in output


def test_a_secret_data_mapping_added_shows_its_keys_not_its_values() -> None:
    old = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\n"
    result = diff_yaml(old, old + "data: {password: c2VjcmV0, user: c2hvcA==}\n")
    assert changes_of(result) == [("data", "added", None, {"password": REDACTED, "user": REDACTED})]


def test_added_and_removed_secrets_are_redacted_too() -> None:
    for result in (diff_yaml("", SECRET), diff_yaml(SECRET, "")):
        obj = only_object(result)
        assert obj.content["data"] == {"password": REDACTED}
        annotations = obj.content["metadata"]["annotations"]
        assert annotations == {"kubectl.kubernetes.io/last-applied-configuration": REDACTED}
        assert "b2xk" not in format_markdown(result)
        assert "b2xk" not in json.dumps(json.loads(format_json(result)))


def test_other_kinds_are_not_redacted() -> None:
    assert changes_of(diff_yaml(CONFIG, CONFIG.replace("fast", "b2xk"))) == [("data.mode", "changed", "fast", "b2xk")]
