"""The semantics ``kgen render PROFILE -o DIR --check`` relies on, pinned with
``diff_texts`` on mappings (file name -> text): the folder's files on the old
side, the rendered files on the new side.

``DiffResult.changed`` is about objects, not bytes: reformatting a file or
moving an object between files is no change. A guard that must also refuse
byte differences compares the mappings for equality itself.
"""

from __future__ import annotations

from kgen.diff.api import DiffOptions, diff_texts

DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 2}\n"
SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {ports: [{port: 80}]}\n"
RENDERED = {"deployment.yaml": DEPLOYMENT, "service.yaml": SERVICE}


def guard(folder: dict[str, str]) -> tuple[bool, list[tuple[str, str]]]:
    result = diff_texts(folder, RENDERED, DiffOptions())
    return result.changed, [(obj.change, obj.key.display()) for obj in result.objects]


def test_up_to_date() -> None:
    assert guard(dict(RENDERED)) == (False, [])


def test_stale_content() -> None:
    stale = {"deployment.yaml": DEPLOYMENT.replace("replicas: 2", "replicas: 1"), "service.yaml": SERVICE}
    assert guard(stale) == (True, [("changed", "apps/Deployment shop/web")])


def test_extra_file_in_the_folder() -> None:
    extra = dict(RENDERED, **{"old-job.yaml": "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: shop}\n"})
    assert guard(extra) == (True, [("removed", "batch/Job shop/migrate")])


def test_missing_file_in_the_folder() -> None:
    assert guard({"deployment.yaml": DEPLOYMENT}) == (True, [("added", "Service shop/web")])


def test_an_empty_folder_means_everything_is_added() -> None:
    changed, objects = guard({})
    assert changed and [change for change, _ in objects] == ["added", "added"]


def test_reformatted_or_moved_objects_are_up_to_date() -> None:
    moved = {"all.yaml": SERVICE.replace("{port: 80}", "{ port: 80 }") + "---\n" + DEPLOYMENT}
    assert guard(moved) == (False, [])


def test_an_extra_file_without_objects_is_no_change() -> None:
    assert guard(dict(RENDERED, **{"notes.yaml": "# just a comment\n"})) == (False, [])
