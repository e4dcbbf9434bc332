"""References to 編・章・節 and law names a 附則 defines (新法, 旧法), read from real statute sentences (pure)."""

from __future__ import annotations

from egov_core.citations import LawRef, Relative, default_name_table
from egov_core.citations.defined import find_law_definitions, written_law_name
from egov_core.citations.divisions import find_division_refs
from egov_core.citations.parser import find_citations


def _divisions(text: str) -> list[tuple[str, str | None, tuple[tuple[str, str | None, Relative | None], ...]]]:
    return [(r.text, r.law.law_name, r.levels) for r in find_division_refs(text, names=default_name_table())]


def test_chapters_sections_and_their_relative_forms() -> None:
    # 民法第二百六十七条, 行政手続法第三条第一項 and 第四十六条.
    assert _divisions("前章第一節第二款（相隣関係）の規定は、地上権者間…について準用する。") == [
        (
            "前章第一節第二款",
            None,
            (("Chapter", None, Relative.PREVIOUS), ("Section", "1", None), ("Subsection", "2", None)),
        )
    ]
    (ref,) = find_division_refs("次章から第四章の二までの規定は、適用しない。", names=default_name_table())
    assert (ref.text, ref.levels, ref.range_end) == (
        "次章から第四章の二まで",
        (("Chapter", None, Relative.NEXT),),
        (("Chapter", "4_2", None),),
    )
    (ref,) = find_division_refs("第二章から前章までの規定を適用しない", names=default_name_table())
    assert ref.range_end == (("Chapter", None, Relative.PREVIOUS),)


def test_a_list_continues_the_chapter_and_law_before_it() -> None:
    # 民事訴訟法第三条の五: 同章 is 会社法's 第七編第二章, and 第六節 is that chapter's too.
    assert _divisions("会社法第七編第二章に規定する訴え（同章第四節及び第六節に規定するものを除く。）") == [
        ("会社法第七編第二章", "会社法", (("Part", "7", None), ("Chapter", "2", None))),
        ("同章第四節", None, (("Chapter", None, Relative.SAME), ("Section", "4", None))),
        ("第六節", None, (("Chapter", None, Relative.SAME), ("Section", "6", None))),
    ]


def test_scope_clauses_and_words_are_not_references() -> None:
    # 民事執行法第四十三条・第百十二条: 「以下この節において」 bounds a definition; 「この目的」 is no 目.
    assert _divisions("不動産（…を除く。以下この節において同じ。）に対する強制執行") == []
    assert _divisions("船舶（…を除く。以下この節及び次章において「船舶」という。）に対する") == []
    assert _divisions("この目的のため、第三節第二章") == []


def test_law_names_an_amendment_defines() -> None:
    names = default_name_table()
    (new,) = find_law_definitions("この法律による改正後の行政手続法（以下「新法」という。）第二条第八号", names=names)
    assert (new.alias, new.parts.law_name, new.parts.historical, new.amended) == ("新法", "行政手続法", False, True)
    (old,) = find_law_definitions(
        "平成二十九年法律第四十四号による改正前の民法（以下「旧法」という。）第八十六条", names=names
    )
    assert (old.alias, old.parts.law_name, old.parts.historical, old.parts.amended_by) == (
        "旧法",
        "民法",
        True,
        "平成二十九年法律第四十四号",
    )
    (this,) = find_law_definitions("この法律（以下「新法」という。）は、公布の日から", names=names)
    assert this.parts.law_ref is LawRef.THIS
    # Not a law name: 「命令等」.
    assert find_law_definitions("命令等（以下この条において「命令等」という。）", names=names) == []


def test_the_name_a_citation_was_written_with() -> None:
    names = default_name_table()
    written = [
        written_law_name(c.parts) for c in find_citations("新法第五条、旧法第二条及び旧石油税法第十条", names=names)
    ]
    assert written == ["新法", "旧法", "旧石油税法"]
