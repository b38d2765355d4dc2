"""`auditor serve`: the 挂图作战 board in the browser over the history store (docs/serve.md)."""

from auditor.serve.app import ServeConfig, create_app

__all__ = ["ServeConfig", "create_app"]
