"""kgen: render production-ready Kubernetes manifests and check any manifests."""

__version__ = "0.1.0"
