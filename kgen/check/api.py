"""The rule API: what a logic module in kgen/check/logic/ receives and returns.

A logic rule is a module with one function::

    def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:

``target`` is what the policy file's ``target`` names (the object, a pod spec
or a container, with ``target.entry`` the object it is in and
``target.entry.workload`` the shape of its kind); ``ctx.index`` holds the
other objects for a rule whose policy declares ``crossObject``; ``params``
are the policy's parameters, already checked against their schemas. A
violation says what is wrong and where (a path from the target); the engine
adds the rule id, severity, file, line and column.

Everything a rule declares about itself (its kinds or workload traits, its
parameters, that it reads other objects and which fields it reports) is in
its policy file, validated by schemas/policy.schema.json.
"""

from __future__ import annotations

from kgen.check.index import ObjectEntry, ObjectIndex
from kgen.check.policy import Violation
from kgen.check.targets import Context, Target
from kgen.model.k8s import ContainerRef, WorkloadShape

__all__ = ["Context", "ContainerRef", "ObjectEntry", "ObjectIndex", "Target", "Violation", "WorkloadShape"]
