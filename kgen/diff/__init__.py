"""kgen diff: what changes in the cluster between two sets of manifests.

Data flows one way: ``objects`` (texts -> objects keyed by group, kind,
namespace, name) -> ``normalize`` (canonical trees) -> ``compare`` (field
changes, a linear walk) -> ``risks`` (risk notes) -> ``engine`` (DiffResult)
-> ``format_text`` / ``format_markdown`` / ``format_json``. ``api`` is the
entry point for the CLI and for ``kgen render --check``.
"""
