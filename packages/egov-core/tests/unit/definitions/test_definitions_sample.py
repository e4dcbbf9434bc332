"""Defined-term extraction measured on a hand-checked sample: 110 definitions of 15 laws of the shared corpus
(acts, cabinet orders, ministerial ordinances; 定義 sentences, 各号 definition lists and inline 以下「…」という).

Every extraction listed in ``CHECKED`` was read against the law text by hand (2026-12-04): the term is defined
there, at that provision, with that scope. ``WRONG_MEANING`` lists those whose ``meaning`` span was judged wrong
(cut in the middle of a phrase or with words that do not belong to it). The test fails when the extractor's
output on these laws changes, so a change must be re-checked here; the measured precision is printed in the
report at the end of the run and asserted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from egov_core.definitions import Definition, extract_definitions
from egov_core.parsing import parse_law

_REPO_ROOT = Path(__file__).resolve().parents[5]
LAWS = Path(os.environ.get("EGOV_SHARED_DATA", str(_REPO_ROOT.parent / "shared" / "data"))) / "laws" / "xml"

#: law_id -> the extractions (``path|term|scope``), each checked correct by hand.
CHECKED: dict[str, list[str]] = {
    "353CO0000000025": [  # 地方公務員共済組合等が行う地方公務員等の財産形成事業に関する政令
        "MainProvision-Article_1-Paragraph_1|組合|following",
        "MainProvision-Article_1-Paragraph_1|連合会|following",
        "MainProvision-Article_1-Paragraph_1|法|following",
        "MainProvision-Article_2-Paragraph_1|財産形成事業|following",
        "MainProvision-Article_3-Paragraph_2|主務大臣|following",
        "MainProvision-Article_4-Paragraph_1|事業資金|following",
        "SupplProvision[8]-Article_1-Paragraph_1|昭和五十八年法律第五十九号|following",
        "SupplProvision[13]-Article_1-Paragraph_1|法|following",
    ],
    "412M50000002101": [  # 環境省聴聞手続規則
        "MainProvision-Article_2-Paragraph_1|法|following",
        "MainProvision-Article_11-Paragraph_1-Item_4|聴聞関係者|paragraph",
    ],
    "347AC0000000105": [  # 石油パイプライン事業法
        "MainProvision-Article_2-Paragraph_1|石油|law",
        "MainProvision-Article_2-Paragraph_2|石油パイプライン|law",
        "MainProvision-Article_2-Paragraph_3|石油パイプライン事業|law",
        "MainProvision-Article_3-Paragraph_1|基本計画|following",
        "MainProvision-Article_5-Paragraph_2-Item_2|事業用施設|following",
        "MainProvision-Article_8-Paragraph_1|石油パイプライン事業者|following",
        "MainProvision-Article_16-Paragraph_2-Item_1|認可計画|following",
        "SupplProvision[5]-Article_160-Paragraph_1|処分等の行為|article",
        "SupplProvision[5]-Article_160-Paragraph_1|申請等の行為|article",
        "SupplProvision[5]-Article_161-Paragraph_1|処分庁|article",
        "SupplProvision[5]-Article_161-Paragraph_1|上級行政庁|article",
    ],
    "343AC1000000078": [  # 消費者基本法
        "MainProvision-Article_2-Paragraph_1|消費者政策|following",
        "MainProvision-Article_9-Paragraph_1|消費者基本計画|following",
        "MainProvision-Article_27-Paragraph_1|会議|following",
        "SupplProvision[2]-Paragraph_2|関係政令|following",
        "SupplProvision[6]-Article_4-Paragraph_1|旧法令|following",
        "SupplProvision[6]-Article_4-Paragraph_1|新法令|following",
    ],
    "340CO0000000183": [  # 戦没者等の遺族に対する特別弔慰金支給法施行令
        "MainProvision-Article_1-Paragraph_1|法|following",
        "MainProvision-Article_1-Paragraph_1|国債|article",
        "SupplProvision[7]-Article_4-Paragraph_1|処分等の行為|paragraph",
        "SupplProvision[7]-Article_4-Paragraph_1|申請等の行為|paragraph",
    ],
    "358M50004000017": [  # 浄化槽法附則第十条第一項の型式の認定に関する省令
        "MainProvision-Article_1-Paragraph_1|法|following",
        "MainProvision-Article_1-Paragraph_4|特定浄化槽製造業者|following",
    ],
    "361AC0000000028": [  # 国際花と緑の博覧会の準備及び運営のために必要な特別措置に関する法律
        "MainProvision-Article_1-Paragraph_1|博覧会|following",
        "MainProvision-Article_2-Paragraph_1|博覧会協会|following",
    ],
    "404CO0000000268": [  # 国際連合平和維持活動等に対する協力に関する法律施行令
        "MainProvision-Article_1-Paragraph_1|法|following",
        "MainProvision-Article_2-Paragraph_1|本部|following",
        "MainProvision-Article_2-Paragraph_1|事務局|article",
        "MainProvision-Article_3-Paragraph_1|選考|article",
        "MainProvision-Article_3-Paragraph_1|本部長|following",
        "MainProvision-Article_4-Paragraph_1|隊員|following",
        "MainProvision-Article_9-Paragraph_1|小型武器|following",
        "MainProvision-Article_10-Paragraph_1|管理責任者|article",
    ],
    "328CO0000000028": [  # 酒税の保全及び酒類業組合等に関する法律施行令
        "MainProvision-Article_1-Paragraph_1|酒類|law",
        "MainProvision-Article_1-Paragraph_2|アルコール分|law",
        "MainProvision-Article_1-Paragraph_2|保税地域|law",
        "MainProvision-Article_1-Paragraph_3|酒類製造業者|law",
        "MainProvision-Article_1-Paragraph_3|酒類販売業者|law",
        "MainProvision-Article_1-Paragraph_3|酒類卸売業者|law",
        "MainProvision-Article_1-Paragraph_3|酒類小売業者|law",
        "MainProvision-Article_1-Paragraph_3|法|following",
        "MainProvision-Article_2-Paragraph_1|酒造組合等|following",
        "MainProvision-Article_2-Paragraph_2|酒販組合等|following",
    ],
    "427M60001000005": [  # 環境省関係地域自然資産区域における自然環境の保全及び持続可能な利用の推進に関する法律施行規則
        "MainProvision-Article_1-Paragraph_1|法|following",
        "MainProvision-Article_3-Paragraph_1-Item_1|国立公園|article",
    ],
    "346AC0000000041": [  # 刑事訴訟費用等に関する法律
        "MainProvision-Article_1-Paragraph_1|証人等|following",
        "MainProvision-Article_4-Paragraph_1|出頭等|following",
    ],
    "329M50000002065": [  # 表層地質調査作業規程準則
        "MainProvision-Article_1-Paragraph_1|表層地質調査|following",
        "MainProvision-Article_3-Paragraph_2|地形図|following",
        "MainProvision-Article_6-Paragraph_1|説明書|chapter",
    ],
    "422AC0000000043": [  # 国際連合安全保障理事会決議第千八百七十四号等を踏まえ我が国が実施する貨物検査等に関する特別措置法
        "MainProvision-Article_2-Paragraph_1-Item_1|北朝鮮特定貨物|law",
        "MainProvision-Article_2-Paragraph_1-Item_2|船舶|law",
        "MainProvision-Article_2-Paragraph_1-Item_3|船長等|law",
        "MainProvision-Article_2-Paragraph_1-Item_4|日本船舶|law",
        "MainProvision-Article_5-Paragraph_1|提出貨物|article",
        "MainProvision-Article_5-Paragraph_7|売却|article",
    ],
    "404AC0000000015": [  # 法人特別税法
        "MainProvision-Article_2-Paragraph_1-Item_1|内国法人|law",
        "MainProvision-Article_2-Paragraph_1-Item_2|外国法人|law",
        "MainProvision-Article_2-Paragraph_1-Item_3|人格のない社団等|law",
        "MainProvision-Article_2-Paragraph_1-Item_4|指定期間|law",
        "MainProvision-Article_2-Paragraph_1-Item_5|事業年度|law",
        "MainProvision-Article_2-Paragraph_1-Item_6|法人特別税申告書|law",
        "MainProvision-Article_2-Paragraph_1-Item_7|修正申告書|law",
        "MainProvision-Article_2-Paragraph_1-Item_8|更正又は決定|law",
        "MainProvision-Article_6-Paragraph_1|基準法人税額|law",
        "MainProvision-Article_7-Paragraph_1|課税事業年度|law",
        "MainProvision-Article_18-Paragraph_2-Item_2|更正決定等|item",
        "SupplProvision[4]-Article_1-Paragraph_1|施行日|following",
        "SupplProvision[4]-Article_68-Paragraph_1|新宅地建物取引業法|article",
    ],
    "415AC0000000057": [  # 個人情報の保護に関する法律
        "MainProvision-Article_2-Paragraph_1|個人情報|law",
        "MainProvision-Article_2-Paragraph_2|個人識別符号|law",
        "MainProvision-Article_2-Paragraph_3|要配慮個人情報|law",
        "MainProvision-Article_2-Paragraph_4|個人情報データベース等|law",
        "MainProvision-Article_2-Paragraph_5|個人情報取扱事業者|law",
        "MainProvision-Article_2-Paragraph_6|個人データ|law",
        "MainProvision-Article_2-Paragraph_7|保有個人データ|law",
        "MainProvision-Article_2-Paragraph_9|匿名加工情報|law",
        "MainProvision-Article_2-Paragraph_10|匿名加工情報取扱事業者|law",
        "MainProvision-Article_7-Paragraph_1|基本方針|following",
        "MainProvision-Article_15-Paragraph_1|利用目的|following",
        "MainProvision-Article_29-Paragraph_1|訂正等|article",
        "MainProvision-Article_30-Paragraph_1|利用停止等|article",
        "MainProvision-Article_32-Paragraph_1|開示等の請求等|article",
        "MainProvision-Article_40-Paragraph_1|個人情報取扱事業者等|following",
        "MainProvision-Article_40-Paragraph_1|個人情報等|following",
        "MainProvision-Article_47-Paragraph_1-Item_1|対象事業者|following",
        "MainProvision-Article_50-Paragraph_1|認定個人情報保護団体|following",
        "MainProvision-Article_50-Paragraph_1|認定業務|following",
        "MainProvision-Article_53-Paragraph_1|個人情報保護指針|following",
        "MainProvision-Article_59-Paragraph_1|委員会|following",
        "MainProvision-Article_60-Paragraph_1|番号利用法|following",
        "MainProvision-Article_78-Paragraph_1|外国執行当局|article",
        "SupplProvision[4]-Article_4-Paragraph_1|旧法令|following",
        "SupplProvision[4]-Article_4-Paragraph_1|新法令|following",
        "SupplProvision[5]-Article_2-Paragraph_1|新個人情報保護法|following",
        "SupplProvision[5]-Article_2-Paragraph_1|施行日|following",
        "SupplProvision[5]-Article_4-Paragraph_1|旧個人情報保護法|following",
        "SupplProvision[5]-Article_4-Paragraph_1|主務大臣|article",
        "SupplProvision[5]-Article_7-Paragraph_1|第二号新個人情報保護法|article",
        "SupplProvision[5]-Article_12-Paragraph_1|行政機関等保有個人情報|article",
    ],
}

#: Correct term, provision and scope, but a wrong ``meaning`` span (law_id, term, path).
WRONG_MEANING = {
    ("415AC0000000057", "行政機関等保有個人情報", "SupplProvision[5]-Article_12-Paragraph_1"),  # cut at 80 chars
    (
        "347AC0000000105",
        "事業用施設",
        "MainProvision-Article_5-Paragraph_2-Item_2",
    ),  # misses 「導管…附属設備であつて、」
    ("347AC0000000105", "処分等の行為", "SupplProvision[5]-Article_160-Paragraph_1"),  # starts with 「の施行前に」
    ("329M50000002065", "説明書", "MainProvision-Article_6-Paragraph_1"),  # 「表層地質図及び」 does not belong
}

pytestmark = pytest.mark.skipif(not LAWS.is_dir(), reason=f"shared data not found at {LAWS} (set EGOV_SHARED_DATA)")


def _extract(law_id: str) -> tuple[Definition, ...]:
    path = LAWS / f"{law_id}.xml"
    return extract_definitions(parse_law(path.read_bytes(), source=path.name))


@pytest.mark.parametrize("law_id", sorted(CHECKED))
def test_extraction_is_the_hand_checked_one(law_id: str) -> None:
    got = [f"{d.path}|{d.term}|{d.scope}" for d in _extract(law_id)]
    assert got == CHECKED[law_id]


def test_precision_on_the_sample() -> None:
    extracted = [(law_id, d) for law_id in CHECKED for d in _extract(law_id)]
    checked = {(law_id, entry) for law_id, entries in CHECKED.items() for entry in entries}
    correct = [(law_id, d) for law_id, d in extracted if (law_id, f"{d.path}|{d.term}|{d.scope}") in checked]
    meaning_ok = [(law_id, d) for law_id, d in correct if (law_id, d.term, d.path) not in WRONG_MEANING]
    precision = len(correct) / len(extracted)
    meaning_precision = len(meaning_ok) / len(extracted)
    print(f"definitions: {len(extracted)} extracted, precision {precision:.3f}, with meaning {meaning_precision:.3f}")
    assert len(extracted) == 110
    assert precision >= 0.95
    assert meaning_precision >= 0.9
