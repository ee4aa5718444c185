"""Code rules, one module per rule that JSON Schema cannot express.

A policy names its module with ``logic: <module>``; the module defines
``check(target, ctx, params) -> Iterator[Violation]`` and, when it reads the
cross-object index, ``CROSS_OBJECT = True`` (it then runs after every file has
been read). Modules starting with ``_`` are helpers, not rules.
"""
