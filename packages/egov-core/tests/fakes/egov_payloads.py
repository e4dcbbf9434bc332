"""Build v2 answers from the real e-Gov XML/JSON in ``shared/data/laws/revisions``, following the OpenAPI schemas.

Each revision directory holds ``<LawRevisionId>.xml`` (and for some ``.json``, the v2 ``law_full_text`` tree of
the same text). ``law_info`` and ``revision_info`` are read from the ``<Law>`` attributes e-Gov writes there.
"""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_ORIGINAL = "000000000000000"


def _slash_date(value: str | None) -> str | None:
    """``2023/06/30`` → ``2023-06-30`` (e-Gov XML attributes use slashes)."""
    return value.replace("/", "-") if value else None


def _law_root(xml_path: Path) -> etree._Element:
    return etree.parse(str(xml_path), _PARSER).getroot()


def _attrs(element: etree._Element) -> dict[str, str]:
    # lxml-stubs types attribute values as str | bytes; parsed documents only ever give str.
    return {str(k): str(v) for k, v in element.attrib.items()}


def revision_dirs(law_dir: Path) -> list[Path]:
    """The revision directories of one law, in id order."""
    return sorted(p for p in law_dir.iterdir() if p.is_dir())


def law_info(xml_path: Path) -> dict[str, Any]:
    """``law_info`` of the law in ``xml_path``."""
    law = _law_root(xml_path)
    a = _attrs(law)
    month, day = a.get("PromulgateMonth"), a.get("PromulgateDay")
    promulgated = f"{a['ADYear']}-{month}-{day}" if a.get("ADYear") and month and day else None
    return {
        "law_type": a.get("LawType"),
        "law_id": xml_path.parent.parent.name,
        "law_num": (law.findtext("LawNum") or "").strip(),
        "law_num_era": a.get("Era"),
        "law_num_year": int(a["Year"]) if a.get("Year", "").isdigit() else None,
        "law_num_type": a.get("LawType"),
        "law_num_num": a.get("Num"),
        "promulgation_date": promulgated,
    }


def revision_info(xml_path: Path) -> dict[str, Any]:
    """``revision_info`` of the revision in ``xml_path`` (its directory name is the law_revision_id)."""
    law = _law_root(xml_path)
    a = _attrs(law)
    revision_id = xml_path.parent.name
    amending = revision_id.rsplit("_", 1)[1]
    title = law.find("LawBody/LawTitle")
    # The id's middle part is the enforcement date (e-Gov's scheme); older files lack the attribute.
    stamp = revision_id.split("_")[1]
    enforced = _slash_date(a.get("EnforcementDate")) or f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:]}"
    data_info = a.get("DataInfo", "")
    # DataInfo starts with the yymmdd e-Gov stamped the data with: the best "updated" the files offer.
    day = f"20{data_info[0:2]}-{data_info[2:4]}-{data_info[4:6]}" if data_info[:6].isdigit() else enforced
    info = {
        "law_revision_id": revision_id,
        "law_type": a.get("LawType"),
        "law_title": (title.text or "").strip() if title is not None else None,
        "law_title_kana": (title.get("Kana") or None) if title is not None else None,
        "abbrev": (title.get("Abbrev") or None) if title is not None else None,
        "category": a.get("Category") or None,
        "updated": f"{day}T00:00:00+09:00",
        "amendment_promulgate_date": _slash_date(a.get("AmendmentPromulgateDate")),
        "amendment_enforcement_date": enforced,
        "amendment_enforcement_comment": a.get("EnforcementComment") or None,
        "amendment_scheduled_enforcement_date": _slash_date(a.get("ScheduledEnforcementDate") or None),
        "amendment_law_id": None if amending == _ORIGINAL else amending,
        "amendment_law_title": None,
        "amendment_law_title_kana": None,
        "amendment_law_num": a.get("AmendmentNum") or None,
        "amendment_type": "1" if amending == _ORIGINAL else "3",
        "repeal_status": "None",
        "repeal_date": None,
        "remain_in_force": None,
        "mission": a.get("Mission") or None,
        "current_revision_status": a.get("Status") or None,
    }
    # A date the files do not carry is left out (valid per schema) rather than sent as a non-nullable null.
    if info["amendment_promulgate_date"] is None:
        del info["amendment_promulgate_date"]
    return info


def _xml_file(revision_dir: Path) -> Path:
    return revision_dir / f"{revision_dir.name}.xml"


def law_revisions_response(law_dir: Path, *, updated_from: date | None = None) -> dict[str, Any]:
    """``law_revisions_response`` for a law: every revision, newest first (as e-Gov orders them)."""
    dirs = revision_dirs(law_dir)
    revisions = [revision_info(_xml_file(d)) for d in dirs]
    if updated_from is not None:
        revisions = [r for r in revisions if r["updated"] and r["updated"][:10] >= updated_from.isoformat()]
    revisions.sort(key=lambda r: (r["amendment_enforcement_date"] or "", r["law_revision_id"]), reverse=True)
    return {"law_info": law_info(_xml_file(dirs[-1])), "revisions": revisions}


def law_data_response(revision_dir: Path, *, law_full_text_format: str = "json") -> dict[str, Any]:
    """``law_data_response`` (``response_format=json``) for one revision.

    ``law_full_text`` is the JSON tree (from the ``.json`` beside the XML) when ``law_full_text_format`` is
    json, else the Base64 of the XML file — exactly what e-Gov does when the two formats differ.
    """
    xml_path = _xml_file(revision_dir)
    if law_full_text_format == "json":
        full_text: Any = json.loads((revision_dir / f"{revision_dir.name}.json").read_text(encoding="utf-8"))
    else:
        full_text = base64.b64encode(xml_path.read_bytes()).decode("ascii")
    return {
        "attached_files_info": {"image_data": "", "attached_files": []},
        "law_info": law_info(xml_path),
        "revision_info": revision_info(xml_path),
        "law_full_text": full_text,
    }


def law_data_response_xml(revision_dir: Path, *, law_full_text_format: str = "xml") -> bytes:
    """``law_data_response`` as ``response_format=xml``: the ``<Law>`` embedded, or Base64 JSON if asked."""
    xml_path = _xml_file(revision_dir)
    root = etree.Element("law_data_response")
    for name, values in (("law_info", law_info(xml_path)), ("revision_info", revision_info(xml_path))):
        section = etree.SubElement(root, name)
        for key, value in values.items():
            etree.SubElement(section, key).text = (
                None if value is None else str(value).lower() if isinstance(value, bool) else str(value)
            )
    full = etree.SubElement(root, "law_full_text")
    if law_full_text_format == "xml":
        full.append(_law_root(xml_path))
    else:
        full.text = base64.b64encode((revision_dir / f"{revision_dir.name}.json").read_bytes()).decode("ascii")
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def laws_pages(items: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Split ``laws`` items into ``laws_response`` pages of ``limit`` with ``next_offset`` chaining them."""
    pages = []
    for offset in range(0, len(items), limit):
        chunk = items[offset : offset + limit]
        nxt = offset + limit if offset + limit < len(items) else None
        pages.append({"total_count": len(items), "count": len(chunk), "next_offset": nxt, "laws": chunk})
    return pages
