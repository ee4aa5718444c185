"""kgen render: app profiles -> validated Kubernetes objects and their YAML.

Data flows one way: ``loader`` (files -> documents -> schema-checked profile
data, overlays and --set applied, located errors) -> ``profile`` (typed,
defaults filled, presets resolved) -> ``kinds``/``pod`` (objects) -> ``emit``
(ordered, byte-stable YAML) -> ``writer`` (all-or-nothing ``-o DIR``).
``api`` ties them together for the CLI and for tools.
"""
