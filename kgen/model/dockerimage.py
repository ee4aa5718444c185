"""What a Dockerfile's image does when it runs: its user, the ports it declares, whether it has a
shell. Read from the final stage (what ``docker build`` builds without --target) and the stages
it is built ``FROM``; a base image from a registry is not pulled, so what it sets itself is
unknown except for the few bases named here.

Kubernetes is the reference: the kubelet reads the image's USER to enforce ``runAsNonRoot``
(a numeric id it compares with 0; a name it cannot verify, and refuses; no USER is root).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from kgen.load.dockerfile import Dockerfile, Instruction, arg_pairs, env_pairs, substitute
from kgen.model.k8s import parse_image
from kgen.model.numbers import digits_value, is_digits

#: The user distroless ``:nonroot`` images set (numeric in the image config).
DISTROLESS_NONROOT = 65532
#: Digits read in a user id, group id or port: more is no 32-bit number.
_ID_DIGITS = 10
_PORT = re.compile(r"^([0-9]+)(?:-([0-9]+))?(?:/([A-Za-z]+))?$")
#: At most this many ports of one EXPOSE range are listed (a range is rare and short).
MAX_RANGE = 1024


@dataclass(frozen=True)
class ImageUser:
    """The user the image runs as, as the kubelet sees it.

    ``kind``: ``root`` (USER 0, or no USER at all), ``name`` (a user name, ``root`` included:
    the kubelet cannot verify it), ``numeric`` (a non-zero id), ``unknown`` (a build argument
    without a default)."""

    kind: str
    text: str | None  # USER as resolved; None when no stage sets one
    uid: int | None
    gid: int | None  # the numeric group of ``USER uid:gid``; None when not given or a name
    instruction: Instruction | None  # the USER that decides; None when no stage sets one

    def refusal(self) -> str | None:
        """Why the kubelet refuses to start this image under ``runAsNonRoot: true`` with no
        numeric ``runAsUser`` (its own words); None when it starts."""
        if self.kind == "root":
            return "container has runAsNonRoot and image will run as root"
        if self.kind == "name":
            return f"container has runAsNonRoot and image has non-numeric user ({self.text}), cannot verify user is non-root"
        return None

    def describe(self, dockerfile: Dockerfile) -> str:
        """``USER app at Dockerfile:9:1``, or that no stage sets a USER."""
        if self.instruction is None:
            return f"{dockerfile.source} sets no USER (the image runs as root)"
        where = dockerfile.location(self.instruction)
        return f"{where} sets USER {self.instruction.args[0] if self.instruction.args else ''}".rstrip()


@dataclass(frozen=True)
class ExposedPort:
    number: int
    protocol: str  # TCP, UDP, SCTP (upper case, as Kubernetes writes it)
    instruction: Instruction


@dataclass(frozen=True)
class ImageFacts:
    dockerfile: Dockerfile
    user: ImageUser
    exposed: tuple[ExposedPort, ...]
    base: str  # the base image the final stage is built from at the root of its chain (resolved)
    shell_missing: bool  # the base is scratch or distroless: no /bin/sh

    def exposes(self, number: int, protocol: str = "TCP") -> bool:
        return any(port.number == number and port.protocol == protocol.upper() for port in self.exposed)

    def exposed_text(self) -> str:
        return ", ".join(f"{port.number}/{port.protocol.lower()}" for port in self.exposed)


def image_facts(dockerfile: Dockerfile) -> ImageFacts | None:
    """The facts of the final stage; None for a Dockerfile without a stage."""
    final = dockerfile.final
    if final is None:
        return None
    chain = dockerfile.ancestry(final)
    carried: dict[str, str | None] = {}  # ENV passes to a stage built FROM this one; ARG does not
    user: ImageUser | None = None
    exposed: list[ExposedPort] = []
    for stage in chain:
        values = dict(carried)
        for instruction in stage.instructions:
            if instruction.keyword == "ARG":
                for name, default in arg_pairs(instruction):
                    values[name] = default if default is not None else dockerfile.global_args.get(name)
            elif instruction.keyword == "ENV":
                pairs = dict(env_pairs(instruction))
                values.update(pairs)
                carried.update(pairs)
            elif instruction.keyword == "USER" and instruction.args:
                user = _user(substitute(instruction.args[0], values), instruction)
            elif instruction.keyword == "EXPOSE":
                exposed.extend(_ports(instruction, values))
    base = chain[0].resolved
    if user is None:
        known = DISTROLESS_NONROOT if _distroless_nonroot(base) else None
        user = ImageUser("numeric", str(known), known, known, None) if known else ImageUser("root", None, 0, None, None)
    return ImageFacts(dockerfile, user, tuple(exposed), base, _shell_missing(base))


def _user(text: str, instruction: Instruction) -> ImageUser:
    name, _, group = text.partition(":")
    gid = digits_value(group, _ID_DIGITS)
    if "$" in name:
        return ImageUser("unknown", text, None, None, instruction)
    if is_digits(name):
        uid = digits_value(name, _ID_DIGITS)
        if uid is None:  # beyond any id: the runtime refuses it
            return ImageUser("unknown", text, None, None, instruction)
        return ImageUser("root" if uid == 0 else "numeric", text, uid, gid, instruction)
    if not name:
        return ImageUser("root", text, 0, gid, instruction)
    return ImageUser("name", text, None, gid, instruction)


def _ports(instruction: Instruction, values: dict[str, str | None]) -> Iterator[ExposedPort]:
    for item in instruction.args:
        match = _PORT.match(substitute(item, values))
        if not match:
            continue  # an unresolved build argument
        low = digits_value(match.group(1), _ID_DIGITS)
        high = digits_value(match.group(2), _ID_DIGITS) if match.group(2) else low
        if low is None or high is None:
            continue  # no port: docker build refuses it
        protocol = (match.group(3) or "tcp").upper()
        for number in range(low, min(high, low + MAX_RANGE - 1) + 1):
            yield ExposedPort(number, protocol, instruction)


def _distroless_nonroot(image: str) -> bool:
    ref = parse_image(image)
    repository, tag = ref.name.lower(), (ref.tag or "").lower()
    return "distroless" in repository and (tag == "nonroot" or tag.startswith("nonroot-") or tag.endswith("-nonroot"))


def _shell_missing(image: str) -> bool:
    """scratch, distroless (but its ``debug`` tags, which add busybox), Chainguard's static."""
    ref = parse_image(image)
    repository, tag = ref.name.lower(), (ref.tag or "").lower()
    if repository == "scratch":
        return True
    if "/distroless/" in f"/{repository}/":
        return "debug" not in tag
    return repository == "cgr.dev/chainguard/static"
