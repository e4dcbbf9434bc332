"""Extract defined terms from a law revision: pure, from the parsed provisions.

Three forms, as Japanese statutes write them:

* a 定義 sentence: 「この法律において「個人情報」とは、…をいう。」 (also 「この章で」, several terms chained with
  「をいい、」);
* a definition list: 「この法律において、次の各号に掲げる用語の意義は、当該各号に定めるところによる。」 followed by
  号 whose first column (or the words before the first full-width space) is the term;
* inline: 「…措置（以下この条において「措置」という。）」 — also 「と総称する」「と略称する」.

The scope comes from the words before the term: この法律 / この政令 … (the law; inside a 附則, that 附則), この章,
この節 …, この条, この項, この号, この表; an unqualified 以下 means the rest of the text (``following``); a list of
provisions (この項及び次項において) keeps its first member as ``scope`` and the words in ``scope_note``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from egov_core.definitions.model import Definition, DefinitionKind, ScopeKind
from egov_core.domain import Element, Law, Provision, ProvisionKind

__all__ = ["extract_definitions"]

_SENTENCE = re.compile(
    r"(この[^\s、。「」（）]{1,6}?)(?:において|で)、?(「[^「」]{1,60}」(?:(?:、|又は|及び)「[^「」]{1,60}」){0,20})とは、"
)
_TERMS = re.compile(r"「([^「」]{1,60})」")
_NEXT_TERM = re.compile(r"をいい、(?:「([^「」]{1,60})」とは、)")
_LIST = re.compile(r"(この[^\s、。「」（）]{1,6}?)(?:において|で)、?次の各号に掲げる用語の意義は")
_INLINE = re.compile(r"以下([^「」。（）]{0,40}?)(?:単に)?「([^「」]{1,60})」(?:という|と総称する|と略称する)")
_SCOPE_WORD = re.compile(r"^この(法律|政令|省令|府令|規則|命令|勅令|訓令|告示|編|章|節|款|目|条|項|号|表)")
_LAW_WORDS = frozenset({"法律", "政令", "省令", "府令", "規則", "命令", "勅令", "訓令", "告示"})
_UNIT: dict[str, tuple[ScopeKind, frozenset[ProvisionKind]]] = {
    "編": ("part", frozenset({ProvisionKind.PART})),
    "章": ("chapter", frozenset({ProvisionKind.CHAPTER})),
    "節": ("section", frozenset({ProvisionKind.SECTION})),
    "款": ("subsection", frozenset({ProvisionKind.SUBSECTION})),
    "目": ("division", frozenset({ProvisionKind.DIVISION})),
    "条": ("article", frozenset({ProvisionKind.ARTICLE})),
    "項": ("paragraph", frozenset({ProvisionKind.PARAGRAPH})),
    "号": ("item", frozenset({ProvisionKind.ITEM})),
    "表": (
        "table",
        frozenset(
            {ProvisionKind.APPDX_TABLE, ProvisionKind.APPDX_NOTE, ProvisionKind.APPDX_STYLE, ProvisionKind.APPDX}
        ),
    ),
}
_OPEN, _CLOSE = "（「『", "）」』"
#: Longest antecedent phrase kept for an inline definition (characters).
_ANTECEDENT_MAX = 80


def _enclosing(prov: Provision, kinds: frozenset[ProvisionKind], by_path: Mapping[str, Provision]) -> Provision | None:
    node: Provision | None = prov
    while node is not None:
        if node.kind in kinds:
            return node
        node = by_path.get(node.parent_path) if node.parent_path else None
    return None


def _scope(
    words: str, prov: Provision, by_path: Mapping[str, Provision], *, inline: bool
) -> tuple[ScopeKind, str | None, str | None]:
    """(scope, scope_path, scope_note) from the words naming it (``この項及び次項において``, ``この法律``, '')."""
    words = words.strip()
    for suffix in ("において", "で"):
        words = words.removesuffix(suffix)
    suppl = _enclosing(prov, frozenset({ProvisionKind.SUPPL_PROVISION}), by_path)
    if not words:
        if inline:
            return "following", suppl.path if suppl else None, None
        return "law", None, None
    m = _SCOPE_WORD.match(words)
    note = words if m is None or m.end() != len(words) else None
    if m is None:
        return "other", None, words
    word = m.group(1)
    if word in _LAW_WORDS:
        # In a 附則, この法律 is the law the 附則 belongs to as enacted: its definitions stay in that 附則.
        return ("suppl_provision", suppl.path, note) if suppl else ("law", None, note)
    kind, kinds = _UNIT[word]
    target = _enclosing(prov, kinds, by_path)
    return kind, target.path if target else prov.path, note


def _clause(text: str, start: int) -> str:
    """The defining clause from ``start`` up to the をいう / をいい that closes it outside any brackets."""
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith("をい", i) and text[i + 2 : i + 3] in ("う", "い"):
            return text[start:i]
        elif depth == 0 and ch == "。":
            break
        i += 1
    return text[start:i]


def _sentences(prov: Provision, by_path: Mapping[str, Provision]) -> Iterator[Definition]:
    text = prov.text
    for m in _SENTENCE.finditer(text):
        scope, scope_path, note = _scope(m.group(1), prov, by_path, inline=False)
        # 「「アルコール分」又は「保税地域」とは、…アルコール分又は保税地域をいう。」: each term, the one clause.
        terms, at = _TERMS.findall(m.group(2)), m.end()
        while True:
            meaning = _clause(text, at)
            for term in terms:
                yield Definition(term, meaning, prov.path, "sentence", scope, scope_path, note)
            follow = _NEXT_TERM.match(text, at + len(meaning))
            if follow is None:
                break
            terms, at = [follow.group(1)], follow.end()


def _column_texts(item: Provision) -> list[str]:
    sentence: Element | None = next((c for c in item.element.elements() if c.tag.endswith("Sentence")), None)
    if sentence is None:
        return []
    return [c.text().strip() for c in sentence.elements("Column")]


def _list_items(
    prov: Provision, children: Mapping[str, Sequence[Provision]], by_path: Mapping[str, Provision]
) -> Iterator[Definition]:
    m = _LIST.search(prov.text)
    if m is None:
        return
    scope, scope_path, note = _scope(m.group(1), prov, by_path, inline=False)
    for item in children.get(prov.path, ()):
        if item.kind is not ProvisionKind.ITEM:
            continue
        columns = _column_texts(item)
        if len(columns) >= 2:
            term, meaning = columns[0], "　".join(columns[1:])
        else:
            term, _, meaning = item.text.strip().partition("　")
        term = term.strip().removeprefix("「").removesuffix("」")
        meaning = meaning.strip().removesuffix("。").removesuffix("をいう")
        if term and meaning and len(term) <= 60:
            yield Definition(term, meaning, item.path, "item", scope, scope_path, note)


#: What may follow a closed parenthesis at the end of a preceding phrase: a new phrase starts after it.
_JOINS = ("並びに", "及び", "又は", "若しくは", "が", "は", "を", "に", "と", "で", "も")
_CONJUNCTION = re.compile(r"及び|又は|若しくは|並びに")
#: A bare noun as a list member: kanji, katakana and の only, right before a 、 (found with search(…, end)).
_LIST_MEMBER = re.compile(r"(?<![\u4e00-\u9fff\u30a0-\u30ffの])[\u4e00-\u9fff\u30a0-\u30ffの]{1,15}$")
#: Particles a phrase found by walking back may start with (they belong to the clause before it).
_LEADING = ("並びに", "及び", "又は", "若しくは", "が", "は", "を", "に", "も")


def _antecedent(text: str, at: int) -> str:
    """The phrase an inline 「（以下「X」という。）」 at ``at`` abbreviates.

    Walks back from the （ that opens the parenthesis holding 以下 to the previous 、 or 。 outside brackets, or
    to a closed parenthesis followed by a conjunction or particle (「A（以下「a」という。）並びにB（以下「b」
    という。）」: b is B), at most :data:`_ANTECEDENT_MAX` characters; a parenthesis that the phrase runs into
    (「…法（以下「法」という。）第五条の…」) is part of it.
    """
    depth = 0
    i = at - 1
    while i >= 0:  # find the （ that opens the parenthesis holding 以下
        ch = text[i]
        if ch in _CLOSE:
            depth += 1
        elif ch in _OPEN:
            if depth == 0:
                break
            depth -= 1
        i -= 1
    end = i
    if end <= 0:
        return ""
    depth = 0
    start = end
    outside = end  # the last position reached outside any bracket
    i = end - 1
    while i >= 0:
        if end - i > _ANTECEDENT_MAX:
            start = outside
            break
        ch = text[i]
        if ch in _CLOSE:
            if depth == 0 and text.startswith(_JOINS, i + 1):
                start = i + 1
                break
            depth += 1
        elif ch in _OPEN:
            if depth == 0:
                start = i + 1
                break
            depth -= 1
        elif depth == 0 and ch in "、。":
            start = i + 1
            break
        if depth == 0:
            outside = i
        i -= 1
    else:
        start = 0
    # 「証人、鑑定人、通訳人若しくは翻訳人（以下「証人等」と総称する。）」: a list of nouns before a conjunction
    # is one phrase, though its members are separated by 、.
    if _CONJUNCTION.search(text, start, end):
        while start > 1 and text[start - 1] == "、" and (m := _LIST_MEMBER.search(text, 0, start - 1)):
            start = m.start()
    phrase = text[start:end]
    for lead in _LEADING:
        if phrase.startswith(lead) and len(phrase) > len(lead):
            return phrase[len(lead) :]
    return phrase


def _inline(prov: Provision, by_path: Mapping[str, Provision]) -> Iterator[Definition]:
    for m in _INLINE.finditer(prov.text):
        meaning = _antecedent(prov.text, m.start())
        if not meaning:
            continue
        scope, scope_path, note = _scope(m.group(1), prov, by_path, inline=True)
        kind: DefinitionKind = "inline"
        yield Definition(m.group(2), meaning, prov.path, kind, scope, scope_path, note)


def extract_definitions(law: Law) -> tuple[Definition, ...]:
    """Every defined term of the revision, in document order (see the module docstring)."""
    by_path = {p.path: p for p in law.provisions}
    children: dict[str, list[Provision]] = {}
    for p in law.provisions:
        if p.parent_path is not None:
            children.setdefault(p.parent_path, []).append(p)
    out: list[Definition] = []
    for prov in law.provisions:
        if not prov.text or prov.kind.is_division:
            continue
        out.extend(_sentences(prov, by_path))
        out.extend(_list_items(prov, children, by_path))
        out.extend(_inline(prov, by_path))
    return tuple(out)
