"""The library reads provisions as the API does: the same path shorthands, the same ``full_text``."""

from __future__ import annotations

from pathlib import Path

import pytest

from egov_core.domain import Law, Provision
from egov_core.parsing import parse_law
from egov_core.rendering import format_provision_text

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def minpo(shared_data: Path) -> Law:
    path = shared_data / "laws" / "xml" / "129AC0000000089.xml"
    return parse_law(path.read_bytes(), source=path.name)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Article_709", "MainProvision-Article_709"),
        ("MainProvision-Article_709", "MainProvision-Article_709"),
        ("article_709-paragraph_1", "MainProvision-Article_709-Paragraph_1"),
        ("MainProvision-Article_3-Paragraph[2]", "MainProvision-Article_3-Paragraph_2"),  # e-Gov's positional form
        ("SupplProvision_1", "SupplProvision[1]"),
    ],
)
def test_short_paths_as_the_api_reads_them(minpo: Law, given: str, stored: str) -> None:
    found = minpo.provision(given)
    assert found is not None
    assert found.path == stored


@pytest.mark.parametrize("given", ["Article_99999", "Article_", "", "Article_709--Paragraph_1"])
def test_missing_or_malformed_path_is_none(minpo: Law, given: str) -> None:
    assert minpo.provision(given) is None


def test_full_text_is_labelled_lines(minpo: Law) -> None:
    art = minpo.provision("Article_709")
    assert art is not None
    assert art.full_text == (
        "（不法行為による損害賠償）\n"
        "第七百九条\u3000故意又は過失によって他人の権利又は法律上保護される利益を侵害した者は、"
        "これによって生じた損害を賠償する責任を負う。"
    )
    art3 = minpo.provision("Article_3")
    assert art3 is not None
    assert art3.full_text.splitlines() == [
        "第三条\u3000私権の享有は、出生に始まる。",
        "２\u3000外国人は、法令又は条約の規定により禁止される場合を除き、私権を享有する。",
    ]


def _subtree(law: Law, root: Provision) -> list[Provision]:
    rest = law.provisions[root.position + 1 :]
    out = [root]
    for p in rest:
        if p.depth <= root.depth:
            break
        out.append(p)
    return out


@pytest.mark.parametrize("name", ["321CONSTITUTION.xml", "403CO0000000275.xml", "430CO0000000293.xml"])
def test_full_text_is_the_apis_rendering_of_the_stored_rows(name: str) -> None:
    # The API renders the stored provision rows (the parser's provisions) with format_provision_text.
    law = parse_law((FIXTURES / name).read_bytes(), source=name, law_id=name.removesuffix(".xml"))
    for p in law.provisions:
        assert p.full_text == format_provision_text(_subtree(law, p)), p.path
