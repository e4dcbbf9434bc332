"""法令API v1 over real HTTP: law lists, update lists, law data and articles, Result codes, safe XML."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fakes.fake_egov import FakeEgov, FakeResponse

from egov_core.egov_client import EgovClient
from egov_core.errors import EgovApiNotFoundError, EgovApiUnexpectedContentError, InvalidQueryError

pytestmark = pytest.mark.integration

REVISION = "505CO0000000222/505CO0000000222_20230630_000000000000000/505CO0000000222_20230630_000000000000000.xml"


def _data_root(appl: bytes, code: str = "0", message: str = "") -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?><DataRoot><Result><Code>{code}</Code><Message>{message}</Message>'
    return head.encode() + b"</Result><ApplData>" + appl + b"</ApplData></DataRoot>"


def _law_element(shared: Path) -> bytes:
    raw = (shared / "laws/revisions" / REVISION).read_bytes()
    return raw[raw.index(b"<Law ") :]


async def test_lawlists_real_2018_list(fake_egov: FakeEgov, shared: Path) -> None:
    fake_egov.add_file("/api/1/lawlists/1", shared / "egov_api/v1/lawlists_category1_2018.xml")
    async with EgovClient(fake_egov.settings()) as client:
        lawlist = await client.v1.lawlists(1)
        with pytest.raises(InvalidQueryError):
            await client.v1.lawlists(5)
    assert lawlist.category == 1
    assert len(lawlist.entries) == 8196
    first = lawlist.entries[0]
    assert first.law_no == "明治五年太政官布告第三百三十七号"
    assert first.promulgation_date == date(1872, 11, 9)
    assert first.law_id is None


async def test_updatelawlists_normal_and_empty(fake_egov: FakeEgov, shared: Path) -> None:
    examples = shared / "egov_api/shape_examples/lawv1"
    fake_egov.add_file("/api/1/updatelawlists/20230201", examples / "law-update-list-v1-normal.xml")
    fake_egov.add_file("/api/1/updatelawlists/20230202", examples / "law-update-list-v1-empty.xml")
    fake_egov.add_file("/api/1/updatelawlists/20230203", examples / "law-update-list-v1-empty.xml", status=404)
    async with EgovClient(fake_egov.settings()) as client:
        updated = await client.v1.updatelawlists(date(2023, 2, 1))
        empty = await client.v1.updatelawlists(date(2023, 2, 2))
        empty_404 = await client.v1.updatelawlists(date(2023, 2, 3))
    assert updated.date == date(2023, 2, 1)
    assert [e.law_id for e in updated.entries] == [
        "421CO0000000220",
        "343CO0000000014",
        "505M60000100008",
        "421M60000002048",
        "348RJNJ10004000",
    ]
    assert updated.entries[0].enforcement_date == date(2023, 6, 1)
    assert updated.entries[2].amend_name is None
    assert (empty.entries, empty_404.entries) == ((), ())


async def test_lawdata_by_law_number(fake_egov: FakeEgov, shared: Path) -> None:
    law = _law_element(shared)
    appl = b"<LawId>505CO0000000222</LawId><LawNum/><LawFullText>" + law + b"</LawFullText>"
    fake_egov.add("/api/1/lawdata/令和五年政令第二百二十二号", FakeResponse.xml(_data_root(appl)))
    async with EgovClient(fake_egov.settings()) as client:
        data = await client.v1.lawdata("令和五年政令第二百二十二号")
    assert data.law_id == "505CO0000000222"
    assert data.law_full_text_xml.startswith(b"<?xml")
    assert "令和五年政令第二百二十二号" in data.law_full_text_xml.decode()
    assert fake_egov.requests[-1].raw_path.startswith("/api/1/lawdata/%E4%BB%A4%E5%92%8C")


async def test_articles_path_and_multiple(fake_egov: FakeEgov, shared: Path) -> None:
    article = b'<Article Num="1"><ArticleTitle>\xe7\xac\xac\xe4\xb8\x80\xe6\x9d\xa1</ArticleTitle></Article>'
    appl = b"<LawId>505CO0000000222</LawId><LawNum/><Article>1</Article><LawContents>" + article + b"</LawContents>"
    path = "/api/1/articles;lawId=505CO0000000222;article=第一条"
    fake_egov.add(path, FakeResponse.xml(_data_root(appl)))
    two = b"<LawId>505CO0000000222</LawId><LawContents>" + article + article + b"</LawContents>"
    fake_egov.add(path + ";paragraph=第一項", FakeResponse.xml(_data_root(two, code="2")))
    async with EgovClient(fake_egov.settings()) as client:
        one = await client.v1.articles(law_id="505CO0000000222", article="第一条")
        several = await client.v1.articles(law_id="505CO0000000222", article="第一条", paragraph="第一項")
        with pytest.raises(InvalidQueryError):
            await client.v1.articles(law_id="505CO0000000222", law_num="令和五年政令第二百二十二号", article="1")
        with pytest.raises(InvalidQueryError):
            await client.v1.articles(law_id="505CO0000000222", article="1;lawId=x")
    assert one.contents_xml == (article,)
    assert (one.multiple, several.multiple) == (False, True)
    assert len(several.contents_xml) == 2
    assert fake_egov.requests[0].raw_path.startswith("/api/1/articles;lawId=505CO0000000222;article=%E7%AC%AC")
    assert len(fake_egov.requests) == 2


async def test_result_code_1_on_404_is_not_found(fake_egov: FakeEgov) -> None:
    body = _data_root(b"", code="1", message="法令が見つかりません")
    fake_egov.add("/api/1/lawdata/129AC0000000089", FakeResponse.xml(body, status=404))
    async with EgovClient(fake_egov.settings()) as client:
        with pytest.raises(EgovApiNotFoundError) as caught:
            await client.v1.lawdata("129AC0000000089")
    assert caught.value.egov_code == "1"
    assert fake_egov.served("/api/1/lawdata/129AC0000000089") == 1


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE DataRoot [<!ENTITY x "boom">]><DataRoot><Result><Code>0</Code></Result>'
        b"<ApplData><Category>&x;</Category></ApplData></DataRoot>",
        b"<DataRoot><Result><Code>9</Code></Result><ApplData/></DataRoot>",
        b"<html>maintenance</html>",
        b"<DataRoot><Result><Code>0</Code>",
    ],
)
async def test_unsafe_or_unexpected_xml_is_refused(fake_egov: FakeEgov, body: bytes) -> None:
    fake_egov.add("/api/1/lawlists/2", FakeResponse.xml(body))
    async with EgovClient(fake_egov.settings()) as client:
        with pytest.raises(EgovApiUnexpectedContentError):
            await client.v1.lawlists(2)
