"""Court-decision import on real records: fields, 参照法条 parts, tokens, idempotency, resolver."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.citations import split_ref_law
from egov_core.domain import LawReference
from egov_core.ingest import ingest_cases
from egov_core.store import content_hash, get_data_version

pytestmark = pytest.mark.integration


def test_split_ref_law_on_real_strings() -> None:
    assert split_ref_law("民法709条，民法710条") == ["民法709条", "民法710条"]
    assert split_ref_law("憲法13条、\n刑法35条, 民法1条\u3000") == ["憲法13条", "刑法35条", "民法1条"]
    assert split_ref_law(None) == []
    assert split_ref_law("") == []
    # A comma inside a parenthesised note does not split the part (the import once split it).
    assert split_ref_law("旧商法（昭和13年法律第72号による改正前のもの、明治32年法律第48号）266条，民法1条") == [
        "旧商法（昭和13年法律第72号による改正前のもの、明治32年法律第48号）266条",
        "民法1条",
    ]


async def test_cases_import_fields_refs_tokens_and_noop(engine: AsyncEngine, cases_dir: Path) -> None:
    summary = await ingest_cases(engine, [cases_dir])
    assert (summary.imported, summary.unchanged, summary.failed) == (2, 0, [])
    version = await get_data_version(engine)
    assert version == 2  # one published batch

    async with engine.connect() as conn:
        case = (
            await conn.execute(
                text(
                    "SELECT date::text, date_era, date_year, court_name, ref_law, flags FROM cases "
                    "WHERE lawsuit_id = '52218'"
                )
            )
        ).one()
        refs = (
            await conn.execute(text("SELECT seq, raw, law_id, status FROM case_law_refs ORDER BY lawsuit_id, seq"))
        ).all()
        ip = (
            await conn.execute(text("SELECT flags, extra->>'right_type' FROM cases WHERE lawsuit_id = '14414'"))
        ).one()
        hit = (
            (await conn.execute(text("SELECT lawsuit_id FROM cases WHERE tokens @@ '輸血 <-> 血を'::tsquery")))
            .scalars()
            .all()
        )
    assert case == ("2000-02-29", "Heisei", 12, "最高裁判所第三小法廷", "民法709条，民法710条", [])
    assert refs == [(0, "民法709条", None, "unresolved"), (1, "民法710条", None, "unresolved")]
    assert "contents_truncated" in ip[0]
    assert ip[1] == "商標権"
    assert hit == ["52218"]

    digest = await content_hash(engine)
    again = await ingest_cases(engine, [cases_dir])
    assert (again.imported, again.unchanged) == (0, 2)
    assert await get_data_version(engine) == version
    assert await content_hash(engine) == digest


async def test_resolver_sets_law_and_path_and_keeps_raw(engine: AsyncEngine, cases_dir: Path) -> None:
    def resolve(raw: str) -> LawReference:
        article = raw.removeprefix("民法").removesuffix("条")
        return LawReference(raw, "129AC0000000089", f"MainProvision-Article_{article}", "resolved")

    await ingest_cases(engine, [cases_dir / "52218_SupremeCourt.json"], resolver=resolve)
    async with engine.connect() as conn:
        refs = (await conn.execute(text("SELECT raw, law_id, path, status FROM case_law_refs ORDER BY seq"))).all()
    assert refs == [
        ("民法709条", "129AC0000000089", "MainProvision-Article_709", "resolved"),
        ("民法710条", "129AC0000000089", "MainProvision-Article_710", "resolved"),
    ]


async def test_unreadable_record_is_reported(engine: AsyncEngine, tmp_path: Path, cases_dir: Path) -> None:
    bad = tmp_path / "99999_SupremeCourt.json"
    bad.write_bytes((cases_dir / "52218_SupremeCourt.json").read_bytes()[:100])
    summary = await ingest_cases(engine, [bad, cases_dir / "14414_IPCase.json"])
    assert summary.imported == 1
    assert [s for s, _ in summary.failed] == [str(bad)]
