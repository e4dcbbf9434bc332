"""Edges a newcomer hits, against a real database holding one law (労働基準法), in process.

Unknown query parameters are refused while the accepted ones still answer; an abbreviation filter shows the
abbreviation it matched; /v1/resolve gives an article's words.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from egov_api_testsupport import drop_database, new_database_url, shared_data_dir

from egov_api.app import create_app
from egov_api.lifespan import lifespan_of
from egov_core.settings import EgovSettings
from egov_core.store import create_engine, migrate

ROUDOU = "322AC0000000049"  # 労働基準法


async def _load(url: str) -> None:
    from egov_core.ingest import ingest_laws

    await migrate(url)
    engine = create_engine(EgovSettings(database={"url": url}))
    try:
        summary = await ingest_laws(engine, [shared_data_dir() / "laws" / "xml" / f"{ROUDOU}.xml"])
        assert not summary.failed, summary.failed
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def db_url() -> Iterator[str]:
    """A fresh database holding 労働基準法 (dropped afterwards)."""
    if not (shared_data_dir() / "laws" / "xml" / f"{ROUDOU}.xml").is_file():
        pytest.skip(f"shared data not found at {shared_data_dir()} (set EGOV_SHARED_DATA)")
    name, url = new_database_url()
    try:
        asyncio.run(_load(url))
        yield url
    finally:
        drop_database(name)


@pytest.fixture(scope="module")
async def client(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The whole app (create_app, its lifespan run) in process over that database."""
    app = create_app(EgovSettings(database={"url": db_url}))
    transport = httpx.ASGITransport(app=app)
    async with lifespan_of(app), httpx.AsyncClient(transport=transport, base_url="http://egov") as c:
        yield c


async def test_misspelt_filter_is_refused_not_ignored(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/laws", params={"abbreviation": "労基法"})
    assert r.status_code == 400
    body = r.json()
    assert body["parameter"] == "abbreviation"
    assert "abbrev" in body["accepted"]
    assert "'abbreviation'" in body["detail"]


async def test_accepted_parameters_still_answer(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/laws", params={"limit": 5, "sort": "title", "law_type": "Act"})).status_code == 200
    assert (await client.get(f"/v1/laws/{ROUDOU}", params={"asof": "2020-04-01"})).status_code == 200
    assert (await client.get(f"/v1/laws/{ROUDOU}/articles/20", params={"paragraph": 1})).status_code == 200
    assert (await client.get("/v1/search", params={"q": "解雇", "limit": 3})).status_code == 200


async def test_abbreviation_filter_fills_abbrev(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/laws", params={"abbrev": "労基法"})).json()
    assert [(i["law_id"], i["abbrev"]) for i in body["items"]] == [(ROUDOU, "労基法")]
    # Listed without the filter, the law shows what e-Gov records (nothing, for this law).
    plain = (await client.get("/v1/laws", params={"title": "労働基準法"})).json()
    assert [i["abbrev"] for i in plain["items"]] == [None]


async def test_resolve_gives_an_articles_words(client: httpx.AsyncClient) -> None:
    res = (await client.get("/v1/resolve", params={"q": "労働基準法第二十条"})).json()["resolution"]
    assert res["status"] == "resolved"
    assert res["path"] == "MainProvision-Article_20"
    article = (await client.get(f"/v1/laws/{ROUDOU}/provisions/MainProvision-Article_20")).json()
    assert res["text"] == article["full_text"]
    assert "少くとも三十日前にその予告をしなければならない" in res["text"]
    assert res["text"].count("\n") >= 2  # its three paragraphs


async def test_resolve_of_a_paragraph_keeps_its_own_text(client: httpx.AsyncClient) -> None:
    res = (await client.get("/v1/resolve", params={"q": "労基法第二十条第一項"})).json()["resolution"]
    para = (await client.get(f"/v1/laws/{ROUDOU}/provisions/MainProvision-Article_20-Paragraph_1")).json()
    assert res["text"] == para["text"]
    assert res["text"]


async def test_library_full_text_is_the_apis(client: httpx.AsyncClient) -> None:
    from egov_core.parsing import parse_law

    law = parse_law((shared_data_dir() / "laws" / "xml" / f"{ROUDOU}.xml").read_bytes(), law_id=ROUDOU)
    for path in ("Article_20", "Article_24", "Article_36"):
        art = law.provision(path)
        assert art is not None
        assert (await client.get(f"/v1/laws/{ROUDOU}/provisions/{path}")).json()["full_text"] == art.full_text


async def test_plain_text_ruby_omitted_or_inline(client: httpx.AsyncClient) -> None:
    url = f"/v1/laws/{ROUDOU}/text"
    omitted = await client.get(url, params={"format": "plain"})
    assert omitted.headers["content-type"].startswith("text/plain")
    inline = await client.get(url, params={"format": "plain", "ruby": "inline"})
    assert "哺（ほ）" in inline.text
    assert "哺（ほ）" not in omitted.text
    assert inline.text.replace("（ほ）", "") == omitted.text
    assert (await client.get(url, params={"format": "plain", "ruby": "furigana"})).status_code == 422
