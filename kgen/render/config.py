"""The app's ConfigMap, from ``config.files`` (the pod side - volume, envFrom, the
``checksum/config`` annotation that rolls the pods on a change - is in kgen.render.pod)."""

from __future__ import annotations

from kgen.render.pod import Obj, metadata
from kgen.render.profile import Profile


def config_maps(profile: Profile) -> list[Obj]:
    if profile.config is None:
        return []
    return [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": metadata(profile, profile.name),  # a kind of its own: the app's name is free
            "data": dict(profile.config.data),
        }
    ]
