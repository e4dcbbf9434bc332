"""新旧対照 over the real revision histories of ``laws/revisions``: every consecutive pair of every law diffs,
and the diff applied to the old text gives the new text exactly."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from egov_core.diff import LawDiff, apply_diff, attribute_changes, diff_laws, law_units
from egov_core.domain import Law
from egov_core.errors import DiffApplyError
from egov_core.parsing import parse_law

_REPO_ROOT = Path(__file__).resolve().parents[5]
REVISIONS = Path(os.environ.get("EGOV_SHARED_DATA", str(_REPO_ROOT.parent / "shared" / "data"))) / "laws" / "revisions"


def _history(law_dir: Path) -> list[Path]:
    return sorted(next(d.glob("*.xml")) for d in law_dir.iterdir() if d.is_dir())


@cache
def _parse(path: Path) -> Law:
    return parse_law(path.read_bytes(), source=path.name)


def _pairs() -> Iterator[tuple[Path, Path]]:
    if not REVISIONS.is_dir():
        return
    for law_dir in sorted(REVISIONS.iterdir()):
        files = _history(law_dir)
        yield from itertools.pairwise(files)


PAIRS = list(_pairs())
needs_data = pytest.mark.skipif(not PAIRS, reason=f"shared data not found at {REVISIONS} (set EGOV_SHARED_DATA)")


def _check_edits(diff: LawDiff) -> None:
    for c in diff.changes:
        old_side = "".join(e.text for e in c.edits if e.op != "insert")
        new_side = "".join(e.text for e in c.edits if e.op != "delete")
        if c.change == "unchanged":
            assert not c.edits
            assert c.old is not None
            assert c.new is not None
            assert c.old.text == c.new.text
            assert c.old.key == c.new.key
        elif c.edits:
            assert old_side == (c.old.text if c.old else "")
            assert new_side == (c.new.text if c.new else "")
        if c.change == "amended":
            assert c.old is not None
            assert c.new is not None
            assert c.old.key == c.new.key
            assert c.old.text != c.new.text
        if c.change == "renumbered":
            assert c.old is not None
            assert c.new is not None
            assert c.old.key != c.new.key


@needs_data
@pytest.mark.parametrize(("old_path", "new_path"), PAIRS, ids=[f"{a.stem}->{b.stem[16:]}" for a, b in PAIRS])
def test_consecutive_revisions_round_trip(old_path: Path, new_path: Path) -> None:
    old, new = _parse(old_path), _parse(new_path)
    diff = diff_laws(old, new)
    old_units, new_units = law_units(old), law_units(new)
    assert apply_diff([u.text for u in old_units], diff) == [u.text for u in new_units]
    assert "\n".join(apply_diff([u.text for u in old_units], diff)) == "\n".join(u.text for u in new_units)
    assert diff.changed(), "consecutive revisions of a law differ somewhere"
    _check_edits(diff)
    # Every unit of both sides appears exactly once, in document order.
    assert [c.old_index for c in diff.changes if c.old_index is not None] == list(range(len(old_units)))
    assert [c.new_index for c in diff.changes if c.new_index is not None] == list(range(len(new_units)))


@needs_data
def test_diff_of_a_revision_with_itself_is_empty() -> None:
    law = _parse(PAIRS[0][0])
    diff = diff_laws(law, law)
    assert not diff.changed()
    assert diff.counts()["unchanged"] == len(law_units(law))


@needs_data
def test_applying_to_the_wrong_text_fails() -> None:
    old_path, new_path = next((a, b) for a, b in PAIRS if a.parent.parent.name == "405AC0000000047")
    old, new = _parse(old_path), _parse(new_path)
    texts = [u.text for u in law_units(old)]
    diff = diff_laws(old, new)
    amended = next(c.old_index for c in diff.changes if c.change == "amended")
    assert amended is not None
    texts[amended] = texts[amended] + "。"
    with pytest.raises(DiffApplyError):
        apply_diff(texts, diff)
    with pytest.raises(DiffApplyError):
        apply_diff(texts[:-1], diff)


@needs_data
def test_renumbered_articles_are_found_by_content() -> None:
    # 令和五年法律第四十四号 inserted a new 第四条 in 417AC0000000048: old 第四条 is now 第五条 (繰下げ).
    law = REVISIONS / "417AC0000000048"
    old = _parse(next((law / "417AC0000000048_20230607_505AC0000000044").glob("*.xml")))
    new = _parse(next((law / "417AC0000000048_20240401_505AC0000000044").glob("*.xml")))
    diff = diff_laws(old, new)
    by_old = {c.old.key: c for c in diff.changes if c.old is not None}
    moved = by_old["MainProvision-Article_4"]
    assert moved.change == "renumbered"
    assert moved.new is not None
    assert moved.new.key == "MainProvision-Article_5"
    assert moved.new.title == "第五条"
    assert moved.old is not None
    assert moved.old.title == "第四条"
    assert any(
        c.change == "inserted" and c.new is not None and c.new.key == "MainProvision-Article_4" for c in diff.changes
    )


@needs_data
def test_suppl_provisions_and_appendix_tables_are_diffed() -> None:
    kinds: set[str] = set()
    for old_path, new_path in PAIRS:
        for c in diff_laws(_parse(old_path), _parse(new_path)).changed():
            unit = c.new or c.old
            assert unit is not None
            kinds.add("suppl" if unit.key.startswith("Suppl(") else unit.kind)
    assert {"suppl", "Article", "AppdxTable"} <= kinds


def _replace_once(data: bytes, old: str, new: str) -> bytes:
    assert old.encode() in data
    return data.replace(old.encode(), new.encode(), 1)


@needs_data
def test_ruby_only_and_whitespace_only_changes_are_formatting() -> None:
    path = next((REVISIONS / "346CO0000000264").glob("*/*.xml"))
    data = path.read_bytes()
    at = data.index(b"<Rt>")
    reading = data[at + 4 : data.index(b"</Rt>", at)].decode()
    base = parse_law(data, source=path.name)
    ruby = parse_law(_replace_once(data, f"<Rt>{reading}</Rt>", f"<Rt>{reading}ー</Rt>"), source=path.name)
    changed = diff_laws(base, ruby).changed()
    assert [c.change for c in changed] == ["formatting"]
    assert not changed[0].edits

    sentence = next(u for u in law_units(base) if u.kind == "Article" and "、" in u.text).text.splitlines()[1]
    fragment = sentence[sentence.index("、") - 3 : sentence.index("、") + 1]
    spaced = parse_law(_replace_once(data, fragment, fragment + "　"), source=path.name)
    changed = diff_laws(base, spaced).changed()
    assert [c.change for c in changed] == ["formatting"]
    assert [e.text for e in changed[0].edits if e.op != "equal"] == ["　"]


def _histories() -> list[list[Path]]:
    return [_history(d) for d in sorted(REVISIONS.iterdir()) if len(_history(d)) >= 3] if REVISIONS.is_dir() else []


@needs_data
@pytest.mark.parametrize("files", _histories(), ids=lambda files: files[0].parent.parent.name)
def test_each_change_is_credited_to_the_steps_that_made_it(files: list[Path]) -> None:
    laws = [_parse(f) for f in files]
    whole = diff_laws(laws[0], laws[-1])
    steps = [diff_laws(a, b) for a, b in itertools.pairwise(laws)]
    credits = attribute_changes(whole, steps)
    assert len(credits) == len(whole.changes)
    for change, found in zip(whole.changes, credits, strict=True):
        if change.change == "unchanged":
            assert found == []
            continue
        assert found, f"{change.change} {(change.new or change.old).key} credited to no step"  # type: ignore[union-attr]
        assert found == sorted(set(found))
    # A unit the whole diff leaves unchanged can still have changed and changed back; a changed one never
    # goes uncredited (above), and a step changing nothing is credited with nothing.
    credited_steps = {i for found in credits for i in found}
    assert all(steps[i].changed() for i in credited_steps)
