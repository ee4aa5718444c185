"""One reporter per output format, behind one Protocol.

``REPORTERS`` maps a format name (``kgen check --format NAME``) to its reporter;
adding a format means one module and one line here. A reporter's module is imported
when its format is asked for (a run writes one format; JUnit's needs an XML library).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from kgen.report.base import ReportOptions, Reporter

DEFAULT_FORMAT = "text"

#: format name -> the module under kgen.report whose ``report`` writes it
_MODULES = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "junit": "junit",
    "github": "github",
    "gitlab": "gitlab",
}


class _Reporters(Mapping[str, Reporter]):
    def __getitem__(self, name: str) -> Reporter:
        report: Reporter = importlib.import_module(f"kgen.report.{_MODULES[name]}").report
        return report

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


REPORTERS: Mapping[str, Reporter] = _Reporters()

__all__ = ["DEFAULT_FORMAT", "REPORTERS", "ReportOptions", "Reporter"]
