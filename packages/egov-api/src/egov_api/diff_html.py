"""The side-by-side HTML view of a diff, laid out as a 新旧対照表 is printed.

Two columns, 改正後 (new) on the left and 改正前 (old) on the right, one row per changed provision; the
changed characters are marked (傍線) in each column: insertions in the new text, deletions in the old.
Unchanged provisions are left out, as in a printed table. Everything from the law text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from egov_core.diff import LawDiff, UnitChange

_STYLE = """
body{font-family:serif;margin:2em}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #444;padding:.4em .6em;vertical-align:top;width:50%;white-space:pre-wrap}
th{background:#eee}ins{text-decoration:underline;background:#e6ffe6}del{text-decoration:underline;background:#ffe6e6}
.note{color:#555;font-size:.9em}
"""
_NOTES = {
    "renumbered": "（繰上げ・繰下げ）",
    "formatting": "（表記のみの変更）",
}


def _cell(change: UnitChange, side: str) -> str:
    unit = change.new if side == "new" else change.old
    if unit is None:
        return "（新設）" if side == "old" else "（削除）"
    if not change.edits:
        return escape(unit.text)
    keep, mark, tag = ("insert", "delete", "ins") if side == "new" else ("delete", "insert", "del")
    parts: list[str] = []
    for edit in change.edits:
        if edit.op == "equal":
            parts.append(escape(edit.text))
        elif edit.op == keep:
            parts.append(f"<{tag}>{escape(edit.text)}</{tag}>")
        else:
            assert edit.op == mark
    return "".join(parts)


def render_diff_html(
    title: str, heading: Sequence[str], diff: LawDiff, credits: Sequence[Sequence[str]] | None = None
) -> str:
    """A complete HTML page for ``diff``.

    Args:
        title: the law's title.
        heading: lines shown above the table (revisions compared, amendments spanned), plain text.
        diff: the diff to show.
        credits: for each entry of ``diff.changes``, the amendments that made it (plain text labels), if known.
    """
    rows: list[str] = []
    for i, change in enumerate(diff.changes):
        if change.change == "unchanged":
            continue
        note = _NOTES.get(change.change, "")
        if credits is not None and credits[i]:
            note += f"（改正: {'、'.join(credits[i])}）"
        note_html = f'<div class="note">{escape(note)}</div>' if note else ""
        rows.append(f"<tr><td>{note_html}{_cell(change, 'new')}</td><td>{_cell(change, 'old')}</td></tr>")
    if not rows:
        rows.append('<tr><td colspan="2">（変更なし）</td></tr>')
    head = "".join(f"<p>{escape(line)}</p>" for line in heading)
    return (
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
        f"<title>{escape(title)} 新旧対照表</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)} 新旧対照表</h1>{head}"
        "<table><thead><tr><th>改正後</th><th>改正前</th></tr></thead><tbody>"
        + "".join(rows)
        + '</tbody></table><p class="note">出典：e-Gov法令検索 (https://laws.e-gov.go.jp/) — processed data.</p>'
        "</body></html>"
    )
