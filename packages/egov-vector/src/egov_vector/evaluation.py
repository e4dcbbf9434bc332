"""Retrieval evaluation on lawqa_jp (デジタル庁 法令QA): gold provisions and Recall@k / MRR@k (pure).

Gold provisions are every ``### 第N条`` header of a question's コンテキスト, each belonging to the law of
the ``## <law title>`` section above it. A question is *gradable* when at least one gold law is in the
corpus, *unanswerable* when none is (金融商品取引法 and agency guidelines are not), and has *no gold*
when its context names no article at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from egov_core.text import normalize

__all__ = [
    "GoldArticle",
    "Question",
    "gold_articles",
    "metrics",
    "mrr_at",
    "parse_questions",
    "recall_at",
    "resolve_gold",
]

_ARTICLE = re.compile(r"^###\s*第(\d+)条((?:の\d+)*)\s*$")


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One gold article: the law's title as the context writes it, and the e-Gov article number (``2_12``)."""

    law_title: str
    article: str

    def path(self) -> str:
        """The article's unit path, ``MainProvision-Article_2_12``."""
        return f"MainProvision-Article_{self.article}"


@dataclass(frozen=True, slots=True)
class Question:
    """One lawqa_jp item as evaluated.

    Attributes:
        name: the item's ファイル名.
        query: 問題文 followed by 選択肢 (many 問題文 are just 「次のうち、正しいものを教えてください。」).
        gold: its gold articles.
    """

    name: str
    query: str
    gold: tuple[GoldArticle, ...]


def gold_articles(context: str) -> tuple[GoldArticle, ...]:
    """The gold articles of one コンテキスト, in order, without duplicates."""
    law: str | None = None
    out: list[GoldArticle] = []
    for line in context.splitlines():
        if line.startswith("## "):
            law = line[3:].strip()
            continue
        m = _ARTICLE.match(line.strip())
        if m and law:
            g = GoldArticle(law, m.group(1) + m.group(2).replace("の", "_"))
            if g not in out:
                out.append(g)
    return tuple(out)


def parse_questions(samples: Iterable[Mapping[str, str]]) -> list[Question]:
    """Questions of ``selection.json``'s ``samples``."""
    out = []
    for s in samples:
        query = "\n".join(x.strip() for x in (s.get("問題文", ""), s.get("選択肢", "")) if x and x.strip())
        out.append(Question(s.get("ファイル名", ""), query, gold_articles(s.get("コンテキスト", ""))))
    return out


def resolve_gold(q: Question, title_to_law: Mapping[str, str]) -> set[tuple[str, str]]:
    """(law_id, article path) of the gold articles whose law is in the corpus (titles compared normalised)."""
    return {(title_to_law[normalize(g.law_title)], g.path()) for g in q.gold if normalize(g.law_title) in title_to_law}


def recall_at(ranked: Sequence[tuple[str, str]], gold: set[tuple[str, str]], k: int) -> float:
    """Share of ``gold`` found in the first ``k`` of ``ranked``."""
    return len(gold & set(ranked[:k])) / len(gold) if gold else 0.0


def mrr_at(ranked: Sequence[tuple[str, str]], gold: set[tuple[str, str]], k: int) -> float:
    """``1 / rank`` of the first gold hit within the first ``k`` (0 if none)."""
    for i, key in enumerate(ranked[:k], 1):
        if key in gold:
            return 1.0 / i
    return 0.0


def metrics(runs: Sequence[tuple[Sequence[tuple[str, str]], set[tuple[str, str]]]]) -> dict[str, float]:
    """Mean Recall@1/5/10 and MRR@10 over (ranked, gold) pairs, and Hit@10 (questions with a gold in the top 10)."""
    n = len(runs) or 1
    out = {f"R@{k}": sum(recall_at(r, g, k) for r, g in runs) / n for k in (1, 5, 10)}
    out["MRR@10"] = sum(mrr_at(r, g, 10) for r, g in runs) / n
    out["Hit@10"] = sum(1 for r, g in runs if g & set(r[:10])) / n
    return out
