"""egov-api: the egov HTTP API (Lite edition) and the `egov` command."""

__version__ = "0.1.0"

__all__ = ["__version__"]
