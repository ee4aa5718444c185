"""apparmor-unconfined: the field on pod and containers, and the beta annotation, judged as admission judges it."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of

RULE = "apparmor-unconfined"


def test_annotation_for_a_container_that_does_not_exist(tmp_path: Path) -> None:
    text = """
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: job
      annotations:
        container.apparmor.security.beta.kubernetes.io/job: unconfined
    spec:
      template:
        metadata:
          annotations:
            container.apparmor.security.beta.kubernetes.io/worker: unconfined
            container.apparmor.security.beta.kubernetes.io/job: docker-default
        spec:
          restartPolicy: Never
          containers:
            - name: job
              image: busybox:1.36
    """
    result = check(tmp_path, text)
    # the Job's own annotations are not its pods'; the template's are
    assert [(f.line, f.column, f.severity, f.message) for f in of(result, RULE)] == [
        (*loc(text, "container.apparmor.security.beta.kubernetes.io/worker"), "warning",
         "the AppArmor annotation for container \"worker\" is 'unconfined': the container runs without AppArmor "
         'confinement; no container of this pod is called "worker" (the API server refuses the pod)'),
        (*loc(text, "container.apparmor.security.beta.kubernetes.io/job", 2), "warning",
         "the AppArmor annotation for container \"job\" is 'docker-default', which is not runtime/default or "
         "localhost/<profile>"),
    ]


def test_field_on_an_init_container(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      initContainers:
        - name: init
          image: busybox:1.36
          securityContext:
            appArmorProfile: {type: Unconfined}
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            appArmorProfile: {type: Localhost, localhostProfile: web}
    """
    result = check(tmp_path, text)
    assert [(f.line, f.column, f.container, f.message) for f in of(result, RULE)] == [
        (*loc(text, "type: Unconfined"), "init",
         'init container "init" sets appArmorProfile type Unconfined: it runs without the runtime\'s AppArmor '
         "confinement"),
    ]
