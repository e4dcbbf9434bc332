"""find_law_names: laws named without a provision, not mistaken inside longer names."""

from __future__ import annotations

import pytest

from egov_core.citations import default_name_table, find_law_names

YAKKI = "医薬品、医療機器等の品質、有効性及び安全性の確保等に関する法律"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("次のうち、借地借家法の建物の賃貸借について正しいものは", ["借地借家法"]),
        (f"{YAKKI}の条文を教えてください", [YAKKI]),
        ("民法上の不法行為と労基法の解雇", ["民法", "労基法"]),
        ("借地借家法第三十二条の借賃増減請求", ["借地借家法"]),  # a citation names its law too
        ("金融商品取引法施行令の規定により", ["金融商品取引法施行令"]),
        ("ｐｃ民法と刑法", ["民法", "刑法"]),  # full-width noise around the names
        ("国家公務員法と地方公務員法", ["国家公務員法", "地方公務員法"]),
        # Parts of longer names are not mentions of the shorter law.
        ("薬機法施行規則第1条", []),
        ("民法施行法の規定", ["民法施行法"]),  # a law of its own (every listed title is known), not 民法
        ("旧民法の家督相続", []),  # the old law is not the stored one
        ("次のうち、正しいものを教えてください。", []),
    ],
)
def test_named_laws(text: str, names: list[str]) -> None:
    found = find_law_names(text, names=default_name_table())
    assert [m.name for m in found] == names
    for m in found:
        assert text[m.start : m.end] == m.name


def test_offsets_point_into_the_original_text() -> None:
    text = "問：　借地借家法（平成三年法律第九十号）の更新と、民法の賃貸借"
    found = find_law_names(text)
    assert [(text[m.start : m.end]) for m in found] == ["借地借家法", "民法"]
