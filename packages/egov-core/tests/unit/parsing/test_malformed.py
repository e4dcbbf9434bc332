"""Malformed and hostile input: always a LawParseError naming the source, never a bare lxml/json error."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from egov_core.errors import LawParseError
from egov_core.parsing import parse_law, parse_law_json

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    """The bytes of a copied real file in fixtures/."""
    return (FIXTURES / name).read_bytes()


CONSTITUTION = fixture_bytes("321CONSTITUTION.xml")
SRC = "321CONSTITUTION.xml"


def _error(data: bytes, **kwargs: object) -> LawParseError:
    with pytest.raises(LawParseError) as info:
        parse_law(data, source=SRC, **kwargs)  # type: ignore[arg-type]
    assert SRC in str(info.value)
    return info.value


def test_truncated_xml_names_the_open_element() -> None:
    cut = CONSTITUTION.index("第九条".encode()) + 30  # inside Article 9 (the 9th Article of the document)
    err = _error(CONSTITUTION[:cut])
    assert "not well-formed" in err.reason
    assert err.element_path is not None
    assert err.element_path.startswith("/Law/LawBody/MainProvision/Chapter[2]/Article")
    assert err.element_path in str(err)


def test_shift_jis_bytes() -> None:
    sjis = CONSTITUTION.decode("utf-8").replace('encoding="UTF-8"', 'encoding="Shift_JIS"').encode("shift_jis")
    assert "Shift_JIS" in _error(sjis).reason
    undeclared = CONSTITUTION.decode("utf-8").encode("shift_jis")  # still says UTF-8, bytes are not
    assert "not valid UTF-8" in _error(undeclared).reason


def test_utf16() -> None:
    _error(CONSTITUTION.decode("utf-8").encode("utf-16"))


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary", b"hello, world", b"   ", b"", b"<<<>>>", b"{not json"])
def test_not_xml_or_json(data: bytes) -> None:
    _error(data)


def test_unknown_root() -> None:
    err = _error(b'<?xml version="1.0" encoding="UTF-8"?><html><body>law</body></html>')
    assert "unknown root" in err.reason
    assert "unknown root" in _error(orjson.dumps({"tag": "html", "attr": {}, "children": []})).reason


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Law [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Law Era="Showa" Lang="ja" LawType="Act" Num="1" Year="1"><LawNum>&lol9;</LawNum></Law>"""

XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Law [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Law Era="Showa" Lang="ja" LawType="Act" Num="1" Year="1"><LawNum>&xxe;</LawNum>
<LawBody><LawTitle>&xxe;</LawTitle></LawBody></Law>"""

PARAMETER_XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Law [<!ENTITY % ext SYSTEM "http://127.0.0.1:1/evil.dtd"> %ext;]>
<Law Era="Showa" Lang="ja" LawType="Act" Num="1" Year="1"/>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE, PARAMETER_XXE], ids=["billion-laughs", "xxe", "param-xxe"])
def test_entity_attacks_are_refused(data: bytes) -> None:
    err = _error(data, law_id="321CONSTITUTION")
    assert "DOCTYPE" in err.reason
    assert "root:" not in str(err)  # nothing of /etc/passwd leaks into the message


def test_plain_doctype_is_refused() -> None:
    data = CONSTITUTION.replace(b"<Law ", b'<!DOCTYPE Law SYSTEM "law.dtd">\n<Law ', 1)
    assert "DOCTYPE" in _error(data).reason


def test_undeclared_entity_is_an_error_not_a_lookup() -> None:
    data = b'<?xml version="1.0" encoding="UTF-8"?><Law Era="Showa" Year="1"><LawNum>&xxe;</LawNum></Law>'
    assert "not well-formed" in _error(data, law_id="321CONSTITUTION").reason


def test_size_cap() -> None:
    assert "exceeds" in _error(CONSTITUTION, max_bytes=1000).reason


def test_missing_law_title() -> None:
    data = b'<?xml version="1.0" encoding="UTF-8"?><Law Era="Showa" Year="21"><LawNum>x</LawNum><LawBody/></Law>'
    err = _error(data, law_id="321CONSTITUTION")
    assert err.element_path == "/Law/LawBody"


def test_json_tree_of_wrong_shape_names_the_element() -> None:
    tree = orjson.loads(fixture_bytes("505CO0000000222_20230623_000000000000000.json"))
    main = next(c for c in tree["children"][1]["children"] if c["tag"] == "MainProvision")
    article = main["children"][0]
    article["children"].append(42)
    with pytest.raises(LawParseError) as info:
        parse_law_json(orjson.dumps(tree), source="x.json", law_id="505CO0000000222")
    assert info.value.element_path is not None
    assert info.value.element_path.startswith(f"/Law/LawBody/MainProvision/{article['tag']}")
    assert info.value.element_path.endswith("*[" + str(len(article["children"])) + "]")


@pytest.mark.parametrize(
    "doc",
    [
        [1, 2, 3],
        {"foo": "bar"},
        {"tag": "Law", "attr": [], "children": []},
        {"tag": "Law", "attr": {"Era": 1}, "children": []},
        {"tag": "Law", "attr": {"Era": ["Showa"]}, "children": []},
        {"tag": "Law", "attr": {}, "children": "text"},
        {"tag": 5},
    ],
)
def test_json_shapes_rejected(doc: object) -> None:
    with pytest.raises(LawParseError):
        parse_law(orjson.dumps(doc), source="x.json", law_id="321CONSTITUTION")


def test_deeply_nested_json() -> None:
    deep = b'{"tag":"Law","children":[' + b'{"tag":"Sub","children":[' * 300 + b'"x"' + b"]}" * 301
    with pytest.raises(LawParseError, match="deeper"):
        parse_law(deep, source="x.json", law_id="321CONSTITUTION")
    very_deep = b'{"tag":"Law","children":[' * 5000 + b"]}" * 5000
    with pytest.raises(LawParseError):
        parse_law(very_deep, source="x.json", law_id="321CONSTITUTION")


def test_deeply_nested_xml() -> None:
    data = b'<?xml version="1.0" encoding="UTF-8"?><Law>' + b"<Sub>" * 20000 + b"x" + b"</Sub>" * 20000 + b"</Law>"
    _error(data, law_id="321CONSTITUTION")


def test_parser_options_resolve_nothing_even_without_the_doctype_guard() -> None:
    """Defence in depth: the lxml parser itself neither expands entities nor reads files."""
    from lxml import etree

    from egov_core.parsing._xml import _parser

    root = etree.fromstring(XXE, _parser())
    assert "root:" not in etree.tostring(root, encoding="unicode")
    law_num = root.find("LawNum")
    assert law_num is not None
    assert (law_num.text or "") == ""
