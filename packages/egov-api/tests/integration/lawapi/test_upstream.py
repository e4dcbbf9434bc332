"""EGOV_COMPAT__UPSTREAM: a law the store lacks is fetched from e-Gov (a fake serving e-Gov's recorded answer
over real HTTP on localhost), imported and answered; a request the store can answer never goes upstream."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from egov_api_testsupport import empty_database, shared_data_dir
from fakes.fake_egov import FakeEgov
from lawapi_contract import ContractValidator

from egov_api.app import create_app
from egov_api.lawapi.upstream import upstream_target
from egov_api.lifespan import lifespan_of
from egov_core.settings import EgovSettings

pytestmark = pytest.mark.integration

KOKKI = "411AC0000000127"


@pytest.fixture(scope="module")
def empty_db() -> Iterator[str]:
    with empty_database() as url:
        yield url


@pytest.fixture(scope="module")
def fake_egov(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeEgov]:
    law_data = tmp_path_factory.mktemp("law_data")
    shutil.copy(shared_data_dir() / "egov_api" / "v2" / "law_data.json", law_data / f"{KOKKI}.json")
    with FakeEgov() as egov:
        egov.mount("/api/2/law_data", law_data)
        yield egov


@pytest.fixture(scope="module")
async def passthrough(empty_db: str, fake_egov: FakeEgov) -> AsyncIterator[httpx.AsyncClient]:
    settings = EgovSettings(
        database={"url": empty_db},
        redis={"url": None},
        compat={"upstream": fake_egov.v2_base_url},
        egov_api=fake_egov.settings(),
    )
    app = create_app(settings)
    async with lifespan_of(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield c


def test_only_law_ids_numbers_and_revision_ids_go_upstream() -> None:
    assert upstream_target("129AC0000000089") == ("129AC0000000089", False)
    assert upstream_target("428M60020000006") == ("428M60020000006", False)
    assert upstream_target("321CONSTITUTION") == ("321CONSTITUTION", False)
    assert upstream_target("平成十一年法律第百二十七号") == ("平成十一年法律第百二十七号", False)
    assert upstream_target(f"{KOKKI}_19990813_000000000000000") == (KOKKI, True)
    for junk in ("../../etc", "x", "129AC0000000089?x=1", "a" * 300, "129AC0000000089/../x"):
        assert upstream_target(junk) is None


async def test_a_miss_is_fetched_imported_and_answered(
    passthrough: httpx.AsyncClient, fake_egov: FakeEgov, contract: ContractValidator
) -> None:
    recorded = json.loads((shared_data_dir() / "egov_api" / "v2" / "law_data.json").read_text("utf-8"))
    before = len(fake_egov.requests)
    r = await passthrough.get(f"/api/2/law_data/{KOKKI}")
    assert r.status_code == 200, r.text
    contract.check(f"/api/2/law_data/{KOKKI}", r.json())
    fetched = fake_egov.requests[before:]
    assert [q.path for q in fetched] == [f"/api/2/law_data/{KOKKI}"]
    ours = r.json()
    # Imported from e-Gov's own answer, the store now holds what the bulk file lacked: the same values.
    for field in ("law_revision_id", "law_title", "law_title_kana", "abbrev", "category", "amendment_type", "mission"):
        assert ours["revision_info"][field] == recorded["revision_info"][field], field
    assert ours["law_info"]["law_num_year"] == int(recorded["law_info"]["law_num_year"])
    assert ours["law_info"]["law_num"] == recorded["law_info"]["law_num"]

    # Answerable now: no more upstream requests, whatever the operation.
    for path in (f"/api/2/law_data/{KOKKI}?elm=MainProvision-Article_1", f"/api/2/law_revisions/{KOKKI}"):
        again = await passthrough.get(path)
        assert again.status_code == 200, again.text
    assert len(fake_egov.requests) == before + 1


async def test_a_law_upstream_lacks_stays_404(passthrough: httpx.AsyncClient, fake_egov: FakeEgov) -> None:
    before = len(fake_egov.requests)
    r = await passthrough.get("/api/2/law_data/499AC0000000999")
    assert r.status_code == 404
    assert r.json()["code"] == "404001"
    assert len(fake_egov.requests) == before + 1
    junk = await passthrough.get("/api/2/law_data/not-a-law")
    assert junk.status_code == 404
    assert len(fake_egov.requests) == before + 1  # not sendable: never asked


def test_pass_through_is_off_by_default() -> None:
    assert EgovSettings().compat.upstream is None
