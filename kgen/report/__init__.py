"""One reporter per output format, behind one Protocol.

``REPORTERS`` maps a format name (``kgen check --format NAME``) to its reporter;
adding a format means one module and one line here.
"""

from __future__ import annotations

from kgen.report import github, gitlab, json_report, junit, sarif, text
from kgen.report.base import ReportOptions, Reporter

DEFAULT_FORMAT = "text"

REPORTERS: dict[str, Reporter] = {
    "text": text.report,
    "json": json_report.report,
    "sarif": sarif.report,
    "junit": junit.report,
    "github": github.report,
    "gitlab": gitlab.report,
}

__all__ = ["DEFAULT_FORMAT", "REPORTERS", "ReportOptions", "Reporter"]
