"""``render -o DIR --check``: is the committed folder exactly what the profiles render?

The verdict is byte for byte (a reformatted file is stale too); the report
says which files differ and then shows the semantic ``kgen diff`` of the
objects, so a reviewer sees what an apply would change.
"""

from __future__ import annotations

from kgen.render.api import RenderResult
from kgen.render.writer import compare_output_dir
from kgen.safetext import escape_unsafe


def guard_report(result: RenderResult, directory: str, color: bool) -> tuple[bool, str]:
    """(up to date?, the text to show)."""
    comparison = compare_output_dir(result, directory)
    if comparison.up_to_date:
        return True, f"kgen: {escape_unsafe(directory, one_line=True)} is up to date ({len(result.files)} files)\n"
    from kgen.diff.api import DiffOptions, diff_texts, format_text

    lines = [f"kgen: {escape_unsafe(directory, one_line=True)} is not what the profiles render:"]
    folder = directory.rstrip("/")
    shown = escape_unsafe(folder, one_line=True)  # a committed file's name may hold a newline
    lines += [f"  stale:   {shown}/{escape_unsafe(name, one_line=True)}" for name in comparison.stale]
    lines += [f"  missing: {shown}/{escape_unsafe(name, one_line=True)}" for name in comparison.missing]
    lines += [f"  extra:   {shown}/{escape_unsafe(name, one_line=True)} (kgen wrote it; no longer rendered)" for name in comparison.extra]
    lines += [
        f"  in the way: {shown}/{escape_unsafe(name, one_line=True)} (not written by kgen; render -o would refuse)"
        for name in comparison.foreign
    ]
    old = {f"{folder}/{name}": text for name, text in comparison.current.items()}
    new = {f"{folder}/{name}": text for name, text in result.files.items()}
    diff = diff_texts(old, new, DiffOptions())
    lines.append("")
    if diff.changed:
        lines.append(format_text(diff, color).rstrip("\n"))
    else:
        lines.append("The objects are the same; the files differ only in formatting or comments.")
    lines.append(f"Run: kgen render ... -o {directory} (without --check) and commit the result.")
    return False, "\n".join(lines) + "\n"
