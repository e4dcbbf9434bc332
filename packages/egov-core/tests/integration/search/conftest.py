"""A fresh PostgreSQL database per test session (the shared ``database_factory``), migrated with the real
migrations and filled with real laws and decisions from ../shared/data by a direct loader: parse →
provisions → search units with ``tsvector_literal`` tokens, so these tests need the parser and the
migrations but not the ingest pipeline.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from egov_core.eras import era_date
from egov_core.ingest.units import search_units
from egov_core.ingest.version import PARSER_VERSION
from egov_core.parsing import parse_law
from egov_core.store.migrate import migrate
from egov_core.text import tsvector_literal

SHARED = Path(os.environ.get("EGOV_SHARED_DATA", str(Path(__file__).resolve().parents[6] / "shared" / "data")))

#: Laws the tests need: those the shared decisions cite, the famous ones, and a 施行令 with its act.
LAW_IDS = (
    "321CONSTITUTION",  # 日本国憲法
    "129AC0000000089",  # 民法
    "140AC0000000045",  # 刑法
    "323AC0000000131",  # 刑事訴訟法
    "322AC0000000059",  # 裁判所法
    "330AC0000000097",  # 自動車損害賠償保障法
    "322AC0000000049",  # 労働基準法
    "403AC0000000090",  # 借地借家法
    "415AC0000000057",  # 個人情報の保護に関する法律
    "335AC0000000145",  # 薬機法
    "408AC0000000109",  # 民事訴訟法
    "334AC0000000125",  # 意匠法
    "335CO0000000018",  # 意匠法施行令
    "322AC0000000125",  # 国家賠償法 (short: Paragraph-less articles)
    "363AC0000000108",  # 消費税法
    "325AC0000000073",  # 相続税法
    "419AC0000000128",  # 労働契約法
    "322AC0000000054",  # 独禁法 (title written with its law number)
)


async def load_laws(engine: AsyncEngine, law_ids: tuple[str, ...] = LAW_IDS) -> None:
    """Parse and store each law (current revision = the one stored), then bump data_version."""
    for law_id in law_ids:
        data = (SHARED / "laws" / "xml" / f"{law_id}.xml").read_bytes()
        law = parse_law(data, source=f"{law_id}.xml")
        md = law.metadata
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO laws (law_id, law_num, title, abbrev, law_type, era, year, num, category) "
                    "VALUES (:law_id, :law_num, :title, :abbrev, :law_type, :era, :year, :num, :category)"
                ),
                {
                    "law_id": md.law_id,
                    "law_num": md.law_num,
                    "title": md.title,
                    "abbrev": md.abbrev,
                    "law_type": md.law_type,
                    "era": md.era,
                    "year": md.year,
                    "num": md.num,
                    "category": md.category,
                },
            )
            checksum = hashlib.sha256(data).hexdigest()
            rev_id = (
                await conn.execute(
                    text(
                        "INSERT INTO law_revisions (law_id, law_revision_id, title, law_num, checksum, source_format, "
                        "parser_version) VALUES (:law_id, :rid, :title, :law_num, :checksum, 'xml', :pv) RETURNING id"
                    ),
                    {
                        "law_id": md.law_id,
                        "rid": f"{md.law_id}_{checksum[:12]}",
                        "title": md.title,
                        "law_num": md.law_num,
                        "checksum": checksum,
                        "pv": PARSER_VERSION,
                    },
                )
            ).scalar_one()
            await conn.execute(
                text(
                    "INSERT INTO provisions (revision_id, path, parent_path, kind, num, title, caption, text, "
                    "position, depth) VALUES (:r, :path, :parent, :kind, :num, :title, :caption, :text, :pos, :depth)"
                ),
                [
                    {
                        "r": rev_id,
                        "path": p.path,
                        "parent": p.parent_path,
                        "kind": p.kind.value,
                        "num": p.num,
                        "title": p.title,
                        "caption": p.caption,
                        "text": p.text,
                        "pos": p.position,
                        "depth": p.depth,
                    }
                    for p in law.provisions
                ],
            )
            await conn.execute(
                text(
                    "INSERT INTO search_units (revision_id, law_id, law_type, category, path, seq, in_suppl, caption, "
                    "title, text, tokens) VALUES (:r, :law_id, :law_type, :category, :path, :seq, :in_suppl, "
                    ":caption, :title, :text, CAST(:tokens AS tsvector))"
                ),
                [
                    {
                        "r": rev_id,
                        "law_id": md.law_id,
                        "law_type": md.law_type,
                        "category": md.category,
                        "path": u.path,
                        "seq": u.seq,
                        "in_suppl": u.in_suppl,
                        "caption": u.caption,
                        "title": u.title,
                        "text": u.text,
                        "tokens": tsvector_literal(u.text),
                    }
                    for u in search_units(law)
                ],
            )
            await conn.execute(
                text("UPDATE laws SET current_revision_id = :r WHERE law_id = :law_id"),
                {"r": rev_id, "law_id": md.law_id},
            )
            await conn.execute(text("UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'data_version'"))


def case_files() -> list[Path]:
    """The shared court decisions."""
    return sorted((SHARED / "cases").glob("*.json"))


def _date(d: object) -> date | None:
    if not isinstance(d, dict):
        return None
    try:
        return era_date(str(d.get("era")), int(d["year"]), int(d["month"]), int(d["day"]))
    except Exception:  # noqa: BLE001 - a date the record does not give fully is simply unknown
        return None


async def load_cases(engine: AsyncEngine) -> None:
    """Store the shared decisions with their search tokens."""
    async with engine.begin() as conn:
        for f in case_files():
            raw = f.read_bytes()
            d = json.loads(raw)
            body = "\n".join(str(d.get(k) or "") for k in ("case_name", "gist", "case_gist", "contents"))
            await conn.execute(
                text(
                    "INSERT INTO cases (lawsuit_id, trial_type, case_number, case_name, court_name, date, gist, "
                    "case_gist, ref_law, contents, checksum, tokens) VALUES (:id, :tt, :cn, :name, :court, :date, "
                    ":gist, :case_gist, :ref_law, :contents, :checksum, CAST(:tokens AS tsvector))"
                ),
                {
                    "id": str(d["lawsuit_id"]),
                    "tt": d.get("trial_type"),
                    "cn": d.get("case_number"),
                    "name": d.get("case_name"),
                    "court": d.get("court_name"),
                    "date": _date(d.get("date")),
                    "gist": d.get("gist"),
                    "case_gist": d.get("case_gist"),
                    "ref_law": d.get("ref_law"),
                    "contents": d.get("contents"),
                    "checksum": hashlib.sha256(raw).hexdigest(),
                    "tokens": tsvector_literal(body[:16000]),
                },
            )


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data directory (skips when it is absent)."""
    if not (SHARED / "laws" / "xml").is_dir():
        pytest.skip(f"shared data not found at {SHARED} (set EGOV_SHARED_DATA)")
    return SHARED


@pytest.fixture(scope="session")
async def search_engine(
    shared_data: Path, database_factory: Callable[[], Awaitable[str]]
) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh database holding the test corpus (dropped by ``database_factory``)."""
    url = await database_factory()
    engine = create_async_engine(url, pool_size=2)
    try:
        await migrate(engine)
        await load_laws(engine)
        await load_cases(engine)
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
        yield engine
    finally:
        await engine.dispose()
