"""Fixtures of the import tests: the real documents under ``fixtures/`` and an independent XPath count."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.ingest import ingest_laws
from egov_core.settings import EgovSettings
from egov_core.store import create_engine, migrate

FIXTURES = Path(__file__).with_name("fixtures")

#: Elements counted per revision, outside amendment text (AmendProvision / NewProvision quote other laws) and
#: outside tables, figures, styles, formats and notes (their 号 are the table's text, not provisions).
COUNTED = ("Article", "Paragraph", "Item")
_OUTSIDE = (
    "[not(ancestor::AmendProvision or ancestor::NewProvision or ancestor::TableStruct or ancestor::FigStruct"
    " or ancestor::StyleStruct or ancestor::FormatStruct or ancestor::NoteStruct)]"
)


def xpath_counts(data: bytes) -> Counter[str]:
    """Article / Paragraph / Item elements of an e-Gov XML document, by a plain lxml XPath count."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(data, parser)
    counts: Counter[str] = Counter()
    for tag in COUNTED:
        expr = f"count(//{tag}{_OUTSIDE})"
        value = root.xpath(expr)
        assert isinstance(value, float)
        counts[tag] = int(value)
    return counts


@pytest.fixture
def laws_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture laws (bulk files and the revision layout with JSON twins)."""
    target = tmp_path / "laws"
    shutil.copytree(FIXTURES / "laws", target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


@pytest.fixture
async def laws_at_head(database_factory: Callable[[], Awaitable[str]], laws_dir: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh database at the head migration holding the fixture laws (5 laws, one with two
    revisions; no citation graph): where a migration test takes the schema down and up again."""
    engine = create_engine(EgovSettings(database={"url": await database_factory()}))
    try:
        await migrate(engine)
        await ingest_laws(engine, [laws_dir], workers=0, citation_graph=False)
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def cases_dir() -> Path:
    """The fixture court decisions."""
    return FIXTURES / "cases"


@pytest.fixture
def count_elements() -> object:
    """:func:`xpath_counts`, for tests (conftest modules are not importable under importlib mode)."""
    return xpath_counts
