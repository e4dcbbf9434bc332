"""e-Gov 法令API-compatible surfaces: ``/api/2`` (v2, JSON or XML) and ``/api/1`` (v1, XML).

Each is a FastAPI sub-application sharing the main app's state (store, cache), with its own error
boundary: errors are e-Gov's ``error_info`` (v2) or ``DataRoot/Result`` (v1) rather than problem+json,
because the clients of these surfaces parse e-Gov's shapes. Existing e-Gov clients only change their
base URL (``https://laws.e-gov.go.jp/api/2`` -> ``http://localhost:8000/api/2``).
"""

from __future__ import annotations

from fastapi import FastAPI

from egov_api.lawapi.errors import install_lawapi_errors
from egov_api.state import AppState

__all__ = ["mount_lawapi"]

V2_DESCRIPTION = """
The e-Gov 法令API Version 2 (spec 2.1.138), answered from this server's store: same paths, parameters,
shapes, status codes and `error_info` bodies. Differences are listed in the README
("Use egov as a local e-Gov API").

出典：e-Gov法令検索 (https://laws.e-gov.go.jp/) — processed data; not the official text.
"""


def build_v2(state: AppState) -> FastAPI:
    """The ``/api/2`` sub-application."""
    from egov_api.lawapi import v2_files, v2_keyword, v2_law_data, v2_laws

    app = FastAPI(title="egov — e-Gov 法令API v2-compatible", version="2.1.138", description=V2_DESCRIPTION)
    app.state.egov = state
    install_lawapi_errors(app)
    for module in (v2_laws, v2_law_data, v2_keyword, v2_files):
        app.include_router(module.router)
    return app


def mount_lawapi(app: FastAPI, state: AppState) -> None:
    """Mount the e-Gov-compatible surfaces on ``app``."""
    from egov_api.lawapi.v1 import build_v1

    app.mount("/api/2", build_v2(state))
    app.mount("/api/1", build_v1(state))
