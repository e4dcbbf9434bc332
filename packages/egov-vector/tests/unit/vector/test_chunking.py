"""Chunking real statutes and decisions."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from egov_core.domain import Law
from egov_vector.chunking import chunk_case, chunk_law, split_text, unit_path_of


def test_one_chunk_per_article_with_context(shakuchi: Law) -> None:
    chunks = chunk_law(shakuchi.metadata.title, shakuchi.provisions)
    by_path = {(c.path, c.part): c for c in chunks}
    assert len(by_path) == len(chunks)  # keys are unique
    art32 = by_path[("MainProvision-Article_32", 0)]
    assert art32.text.startswith("借地借家法 第三十二条 （借賃増減請求権）\n")
    assert "建物の借賃が" in art32.body
    assert "２　建物の借賃の増額について" in art32.body
    assert art32.unit_path == "MainProvision-Article_32"
    assert art32.caption == "（借賃増減請求権）"
    assert not art32.in_suppl
    articles = [p for p in shakuchi.provisions if p.kind == "Article" and p.path.startswith("MainProvision")]
    assert {c.unit_path for c in chunks if c.unit_path.startswith("MainProvision")} == {a.path for a in articles}


def test_long_article_is_chunked_per_paragraph(shakuchi: Law) -> None:
    chunks = [c for c in chunk_law(shakuchi.metadata.title, shakuchi.provisions) if c.unit_path.endswith("Article_38")]
    assert len(chunks) > 1
    assert all(c.path.startswith("MainProvision-Article_38-Paragraph_") for c in chunks)
    assert chunks[0].text.startswith("借地借家法 第三十八条 （定期建物賃貸借） 第1項\n")
    assert all(len(c.body) <= 800 for c in chunks)


def test_hashes_are_stable_and_follow_the_text(shakuchi: Law) -> None:
    first = chunk_law(shakuchi.metadata.title, shakuchi.provisions)
    again = chunk_law(shakuchi.metadata.title, shakuchi.provisions)
    assert [c.content_hash for c in first] == [c.content_hash for c in again]
    renamed = chunk_law("借地借家法（改）", shakuchi.provisions)
    assert first[0].content_hash != renamed[0].content_hash


def test_suppl_provisions_are_marked(shakuchi: Law) -> None:
    suppl = [c for c in chunk_law(shakuchi.metadata.title, shakuchi.provisions) if c.in_suppl]
    assert suppl
    assert all(c.unit_path.startswith("SupplProvision") for c in suppl)
    assert all(c.text.startswith("借地借家法 附則") for c in suppl)


def test_paragraph_only_law_is_chunked_by_paragraph(load_law: Callable[[str], Law]) -> None:
    law = load_law("426M60001002001.xml")
    assert not any(p.kind == "Article" for p in law.provisions)
    chunks = [c for c in chunk_law(law.metadata.title, law.provisions) if c.unit_path.startswith("MainProvision")]
    assert chunks
    assert all(c.unit_path.startswith("MainProvision-Paragraph_") for c in chunks)


def test_appendix_tables_are_truncated(load_law: Callable[[str], Law]) -> None:
    law = load_law("413M60000010005.xml")
    chunks = chunk_law(law.metadata.title, law.provisions, max_chars=200)
    tables = [c for c in chunks if c.unit_path.startswith("AppdxTable")]
    assert tables
    assert all(len(c.body) <= 200 and c.part == 0 for c in tables)


def test_unit_path_of() -> None:
    assert unit_path_of("MainProvision-Article_32-Paragraph_2-Item_1") == "MainProvision-Article_32"
    assert unit_path_of("SupplProvision[3]-Article_4") == "SupplProvision[3]-Article_4"
    assert unit_path_of("MainProvision-Paragraph_2") == "MainProvision-Paragraph_2"
    assert unit_path_of("AppdxTable[1]") == "AppdxTable[1]"


def test_split_text_prefers_sentence_ends() -> None:
    text = "あ" * 50 + "。" + "い" * 50 + "。" + "う" * 30
    pieces = split_text(text, 60)
    assert "".join(pieces) == text
    assert pieces[0].endswith("。")
    assert all(len(p) <= 60 for p in pieces)


def test_case_chunks_cover_gist_case_gist_and_contents(fixtures: Path) -> None:
    record = json.loads((fixtures / "cases/22090_HighCourt.json").read_text(encoding="utf-8"))
    chunks = chunk_case(
        case_name=record["case_name"],
        court_name=record["court_name"],
        date="1951-05-15",
        case_number=record["case_number"],
        gist=record["gist"],
        case_gist=record["case_gist"],
        contents=record["contents"],
        max_chars=300,
    )
    sections = [c.unit_path for c in chunks]
    assert sections[0] == "gist"
    assert "case_gist" in sections
    assert "contents" in sections
    assert chunks[0].text.startswith(
        "建物収去土地明渡請求事件 東京高等裁判所第四民事部 1951-05-15 昭和23(ネ)448 判示事項\n"
    )
    assert all(c.source_kind == "case" for c in chunks)
    assert len({(c.path, c.part) for c in chunks}) == len(chunks)
