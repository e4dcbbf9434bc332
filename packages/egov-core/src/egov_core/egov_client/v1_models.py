"""Models of the e-Gov 法令API v1 (``/api/1``) answers: ``<DataRoot><Result/><ApplData/></DataRoot>``."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LawListEntry(_Model):
    """One ``LawNameListInfo`` of ``/lawlists/{category}`` (法令名一覧取得API).

    ``law_id`` is absent in older answers (the 2018 list carries only name, number and date).
    """

    law_id: str | None = None
    law_name: str | None = None
    law_no: str | None = None
    promulgation_date: dt.date | None = None


class LawList(_Model):
    """``/lawlists/{category}``: category 1 全法令, 2 憲法・法律, 3 政令・勅令, 4 府省令・規則."""

    category: int | None = None
    entries: tuple[LawListEntry, ...] = ()


class UpdatedLaw(_Model):
    """One ``LawNameListInfo`` of ``/updatelawlists/{yyyyMMdd}`` (更新法令一覧取得API).

    ``law_url`` is kept as data and never fetched: the client only contacts its configured base URL.
    ``enforcement_flg`` is e-Gov's 施行済みフラグ (``0`` enforced, ``1`` not yet), ``auth_flg`` its 官報 flag.
    """

    law_type_name: str | None = None
    law_no: str | None = None
    law_name: str | None = None
    law_name_kana: str | None = None
    old_law_name: str | None = None
    promulgation_date: dt.date | None = None
    amend_name: str | None = None
    amend_no: str | None = None
    amend_promulgation_date: dt.date | None = None
    enforcement_date: dt.date | None = None
    enforcement_comment: str | None = None
    law_id: str | None = None
    law_url: str | None = None
    enforcement_flg: str | None = None
    auth_flg: str | None = None


class UpdateLawList(_Model):
    """``/updatelawlists/{yyyyMMdd}``: the laws updated on ``date`` (empty when e-Gov has none that day)."""

    date: dt.date | None = None
    entries: tuple[UpdatedLaw, ...] = ()


class V1LawData(_Model):
    """``/lawdata/{law_id or law_num}`` (法令取得API): the current text as ``<Law>`` XML bytes.

    Attributes:
        image_data: Base64 ZIP of the law's figures, if e-Gov sent any.
    """

    law_id: str | None = None
    law_num: str | None = None
    law_full_text_xml: bytes
    image_data: str | None = None


class V1Articles(_Model):
    """``/articles;lawId=…;article=…`` (条文内容取得API): the selected provision(s).

    Attributes:
        contents_xml: each child of ``<LawContents>`` (an ``<Article>``, ``<Paragraph>``, ``<AppdxTable>`` …)
            serialised as UTF-8 XML.
        multiple: e-Gov's Result ``Code`` was 2 (several candidates matched the selector).
    """

    law_id: str | None = None
    law_num: str | None = None
    article: str | None = None
    paragraph: str | None = None
    appdx_table: str | None = None
    contents_xml: tuple[bytes, ...] = ()
    image_data: str | None = None
    multiple: bool = False
