"""/docs and /redoc load every asset from this app: they work on a host without internet access."""

from __future__ import annotations

import re

import httpx
import pytest

from egov_api.app import build_fastapi
from egov_core.settings import EgovSettings

APP, _ = build_fastapi(EgovSettings())


@pytest.mark.parametrize(("page", "kinds"), [("/docs", {".js", ".css", ".png"}), ("/redoc", {".js", ".png"})])
async def test_page_assets_are_served_locally(page: str, kinds: set[str]) -> None:
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://egov") as client:
        r = await client.get(page)
        assert r.status_code == 200
        html = r.text
        assert "cdn" not in html.lower()
        urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
        urls += re.findall(r"""(?:url|spec-url)\s*:\s*["']([^"']+)["']""", html)
        urls += re.findall(r"""spec-url=["']([^"']+)["']""", html)
        assert urls
        for url in urls:
            assert url.startswith("/"), f"{page} loads {url} from elsewhere"
            assert not url.startswith("//"), url
        assets = [u for u in urls if u.startswith("/docs-assets/")]
        assert {u[u.rfind(".") :] for u in assets} == kinds
        for url in assets:
            got = await client.get(url)
            assert got.status_code == 200, url
            assert len(got.content) > 1000, url
        assert (await client.get("/openapi.json")).status_code == 200


def test_the_bundles_licences_are_noticed() -> None:
    from pathlib import Path

    notice = (Path(__file__).resolve().parents[2] / "NOTICE").read_text(encoding="utf-8")
    for name in ("Swagger UI", "Apache License", "ReDoc", "MIT", "fastapi-offline"):
        assert name in notice
