"""config-changed-not-rolled: a ConfigMap read through env changes and no pod restarts."""

from __future__ import annotations

from risk_cases import deployment, notes

CONFIG = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: shop}\ndata: {LOG: %s, OTHER: a}\n---\n"
ENV = "          env: [{name: LOG, valueFrom: {configMapKeyRef: {name: cfg, key: LOG}}}]\n"
ENV_FROM = "          envFrom: [{configMapRef: {name: cfg}}]\n"
STALE = (
    "read{s} it through env and keep{s} the same pod template: running pods keep the old values until they "
    "restart (a checksum annotation on the template, or kubectl rollout restart)"
)


def test_a_key_read_through_env_changed_and_the_template_did_not() -> None:
    old, new = CONFIG % "info" + deployment(container=ENV), CONFIG % "debug" + deployment(container=ENV)
    assert notes(old, new) == [
        ("ConfigMap cfg", "config-changed-not-rolled", "data", "data changed (LOG) but Deployment shop/web " + STALE.format(s="s"))
    ]


def test_env_from_reads_every_key() -> None:
    old = CONFIG % "info" + deployment(container=ENV_FROM)
    new = (CONFIG % "info").replace("OTHER: a", "OTHER: b") + deployment(container=ENV_FROM)
    assert notes(old, new) == [
        ("ConfigMap cfg", "config-changed-not-rolled", "data", "data changed (OTHER) but Deployment shop/web " + STALE.format(s="s"))
    ]


def test_no_note_when_the_pods_roll_or_do_not_read_the_change() -> None:
    old = CONFIG % "info" + deployment(container=ENV)
    # the template changes (an image, a checksum annotation): the pods are replaced and read the new values
    assert [code for _, code, _, _ in notes(old, CONFIG % "debug" + deployment(container=ENV).replace("web:1.0", "web:1.1"))] == []
    annotated = deployment(container=ENV).replace("metadata: {labels: {app: web}}", "metadata: {labels: {app: web}, annotations: {checksum/config: '%s'}}")
    assert notes(CONFIG % "info" + annotated % "1", CONFIG % "debug" + annotated % "2") == []
    # a key the env does not read
    assert notes(old, (CONFIG % "info").replace("OTHER: a", "OTHER: b") + deployment(container=ENV)) == []
    # mounted as a volume: the kubelet refreshes the files
    volume = deployment(pod="      volumes: [{name: cfg, configMap: {name: cfg}}]\n")
    assert notes(CONFIG % "info" + volume, CONFIG % "debug" + volume) == []
    # a new workload starts with the new values
    assert [code for _, code, _, _ in notes(CONFIG % "info", CONFIG % "debug" + deployment(container=ENV))] == []
