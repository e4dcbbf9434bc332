"""Pure parts of hybrid search and the evaluation harness."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from egov_core.search import content_terms, keyword_query_for, rrf
from egov_vector.evaluation import gold_articles, mrr_at, parse_questions, recall_at, resolve_gold


def test_keyword_queries_stay_and_sentences_become_or_of_content_words() -> None:
    assert keyword_query_for("故意 過失") == "故意 過失"
    assert keyword_query_for('"損害賠償" 債権') == '"損害賠償" 債権'
    assert keyword_query_for("建物の借賃の増減請求") == "建物の借賃の増減請求"
    assert (
        keyword_query_for("借地借家法に基づき家賃の増額を請求できるのはどのような場合か")
        == "借地借家法 OR 家賃 OR 増額 OR 請求"
    )


def test_content_terms_add_pieces_of_long_runs() -> None:
    terms = content_terms("届出書提出外国会社が提出する書類")
    assert terms[:3] == ["届出書提出外国会社", "提出", "書類"]
    assert "外国会" in terms
    assert "国会社" in terms


def test_rrf() -> None:
    assert rrf((1, None), 60) == pytest.approx(1 / 61)
    assert rrf((1, 3), 60) == pytest.approx(1 / 61 + 1 / 63)
    assert rrf((None, None), 60) == 0.0


def test_gold_articles_follow_their_law_section() -> None:
    context = "## 金融商品取引法\n### 第24条\n#### 第1項\n本文\n## 金融商品取引法施行令\n### 第3条の4\n法第二十四条…"
    gold = gold_articles(context)
    assert [(g.law_title, g.article) for g in gold] == [("金融商品取引法", "24"), ("金融商品取引法施行令", "3_4")]
    assert gold[1].path() == "MainProvision-Article_3_4"
    q = parse_questions([{"ファイル名": "x", "問題文": "問", "選択肢": "a 選", "コンテキスト": context}])[0]
    assert resolve_gold(q, {"金融商品取引法施行令": "340CO0000000321"}) == {
        ("340CO0000000321", "MainProvision-Article_3_4")
    }


def test_metrics() -> None:
    ranked = [("L", "a"), ("L", "b"), ("L", "c")]
    assert recall_at(ranked, {("L", "b"), ("L", "z")}, 1) == 0.0
    assert recall_at(ranked, {("L", "b"), ("L", "z")}, 5) == 0.5
    assert mrr_at(ranked, {("L", "c")}, 10) == pytest.approx(1 / 3)
    assert mrr_at(ranked, {("L", "c")}, 2) == 0.0


def test_lawqa_selection_parses(shared_data: Path) -> None:
    path = shared_data / "eval/lawqa_jp/selection.json"
    if not path.exists():
        pytest.skip("shared data not available")
    questions = parse_questions(json.loads(path.read_text(encoding="utf-8"))["samples"])
    assert len(questions) == 140
    with_gold = [q for q in questions if q.gold]
    assert len(with_gold) == 129
    assert sum(len(q.gold) for q in with_gold) > 150
    assert all("\n" in q.query or q.query for q in questions)
