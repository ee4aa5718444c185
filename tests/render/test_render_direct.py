"""Behaviours the golden files show, each pinned on its own so a change names itself."""

from __future__ import annotations

import pytest

from kgen.render.api import render_text

WEB = "name: shop-api\ntype: web\nimage: ghcr.io/acme/shop-api:1.4.2\n"
DATABASE = "name: orders-db\ntype: database\nimage: postgres:16.4\nport: 5432\nreplicas: 1\n"


def startup_probe(text: str) -> dict[str, object]:
    (workload,) = [o for o in render_text(text, "p.yaml").objects if o.kind in ("Deployment", "StatefulSet")]
    probe = workload.data["spec"]["template"]["spec"]["containers"][0]["startupProbe"]
    assert isinstance(probe, dict)
    return probe


@pytest.mark.parametrize(
    ("seconds", "failures"),
    [(30, 6), (31, 7), (34, 7), (35, 7), (36, 8), (61, 13), (3599, 720), (3600, 720)],
)
def test_startup_seconds_round_up_to_whole_periods_of_five_seconds(seconds: int, failures: int) -> None:
    """The startup budget is never shorter than asked, and at most one period longer."""
    probe = startup_probe(WEB + f"health: {{startupSeconds: {seconds}}}\n")
    assert (probe["periodSeconds"], probe["timeoutSeconds"], probe["failureThreshold"]) == (5, 3, failures)
    assert probe["successThreshold"] == 1


def test_startup_seconds_defaults_by_type() -> None:
    assert startup_probe(WEB)["failureThreshold"] == 12  # web: 60 s
    database = startup_probe(DATABASE)
    assert database["failureThreshold"] == 60  # database: 300 s, crash recovery can take minutes
    assert database["tcpSocket"] == {"port": "tcp"}
