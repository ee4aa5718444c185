"""Write the shipped policies, marshalled (kgen.check.policy.SHIPPED_POLICIES), after a policy file
changes: ``python -m kgen.check.shipped``. A check reads them instead of parsing every policy file."""

from __future__ import annotations

import marshal
import os
from typing import Any

from kgen.check.policy import (
    SHIPPED_POLICIES,
    builtin_policy_dir,
    load_policy_file,
    packed_policy,
    shipped_fingerprint,
)


def build() -> tuple[str, dict[str, dict[str, Any]]]:
    """The digest of the shipped files and their policies' fields, by file name."""
    folder = builtin_policy_dir()
    digest, names = shipped_fingerprint(folder)
    return digest, {name: packed_policy(load_policy_file(folder / name, True)) for name in names}


def write() -> None:
    data = marshal.dumps(build())
    partial = SHIPPED_POLICIES.with_name(f".{SHIPPED_POLICIES.name}.{os.getpid()}")
    partial.write_bytes(data)
    os.replace(partial, SHIPPED_POLICIES)


if __name__ == "__main__":  # python -m kgen.check.shipped
    write()
