"""Pydantic models of the e-Gov 法令API v2 response schemas (``components/schemas`` of the OpenAPI document).

They follow what e-Gov actually sends, which is looser than its own schema: most ``revision_info`` fields
come back ``null`` now and then, ``law_num_year`` is sometimes a string (``"11"``) and ``repeal_status`` is
sometimes ``false``. Counts and offsets are strict integers, so a payload whose structure changed is caught
(:class:`~egov_core.errors.EgovApiUnexpectedContentError`) instead of silently coerced.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr, field_validator

LawType = Literal["Constitution", "Act", "CabinetOrder", "ImperialOrder", "MinisterialOrdinance", "Rule", "Misc"]
LawNumEra = Literal["Meiji", "Taisho", "Showa", "Heisei", "Reiwa"]
AmendmentType = Literal["1", "3", "8"]
RepealStatus = Literal["None", "Repeal", "Expire", "Suspend", "LossOfEffectiveness"]
Mission = Literal["New", "Partial"]
CurrentRevisionStatus = Literal["CurrentEnforced", "UnEnforced", "PreviousEnforced", "Repeal"]
ResponseFormat = Literal["json", "xml"]
FileType = Literal["xml", "json", "html", "rtf", "docx"]


class _Model(BaseModel):
    # Unknown fields are ignored: e-Gov adds fields over time and an older client must keep working.
    model_config = ConfigDict(frozen=True, extra="ignore")


class LawInfo(_Model):
    """``law_info``: what identifies a law independently of its revisions (法令ID, 法令番号, 公布日)."""

    law_type: LawType | None = None
    law_id: str | None = None
    law_num: str | None = None
    law_num_era: LawNumEra | None = None
    law_num_year: int | None = None
    law_num_type: LawType | None = None
    law_num_num: str | None = None
    promulgation_date: date | None = None


class RevisionInfo(_Model):
    """``revision_info``: one revision (版) of a law — its title, amending law, enforcement and status.

    Not to be confused with :class:`egov_core.domain.RevisionInfo`, the domain's own view of a stored revision.
    """

    law_revision_id: str | None = None
    law_type: LawType | None = None
    law_title: str | None = None
    law_title_kana: str | None = None
    abbrev: str | None = None
    category: str | None = None
    updated: datetime | None = None
    amendment_promulgate_date: date | None = None
    amendment_enforcement_date: date | None = None
    amendment_enforcement_comment: str | None = None
    amendment_scheduled_enforcement_date: date | None = None
    amendment_law_id: str | None = None
    amendment_law_title: str | None = None
    amendment_law_title_kana: str | None = None
    amendment_law_num: str | None = None
    amendment_type: AmendmentType | None = None
    repeal_status: RepealStatus | None = None
    repeal_date: date | None = None
    remain_in_force: bool | None = None
    mission: Mission | None = None
    current_revision_status: CurrentRevisionStatus | None = None

    @field_validator("repeal_status", mode="before")
    @classmethod
    def _false_means_none(cls, value: object) -> object:
        # The published examples carry ``"repeal_status": false`` where the schema says "None" (not repealed).
        return "None" if value is False else value


class LawItem(_Model):
    """One entry of ``laws_response.laws``."""

    law_info: LawInfo
    revision_info: RevisionInfo | None = None
    current_revision_info: RevisionInfo | None = None


class LawsResponse(_Model):
    """``GET /laws`` (法令一覧取得API)."""

    total_count: StrictInt | None = None
    count: StrictInt
    next_offset: StrictInt | None = None
    laws: tuple[LawItem, ...] = ()


class LawRevisionsResponse(_Model):
    """``GET /law_revisions/{law_id_or_num}`` (法令履歴一覧取得API): revisions newest first."""

    law_info: LawInfo
    revisions: tuple[RevisionInfo, ...]


class AttachedFile(_Model):
    """``attached_file``: one figure/PDF referenced by a ``<Fig src>`` of the law text."""

    law_revision_id: str | None = None
    src: str | None = None
    updated: datetime | None = None


class AttachedFilesInfo(_Model):
    """``attached_files_info``: the attachments and, if asked for, their Base64 ZIP (``image_data``)."""

    image_data: str | None = None
    attached_files: tuple[AttachedFile, ...] = ()


class LawDataResponse(_Model):
    """``GET /law_data/{id}`` (法令本文取得API) as sent: ``law_full_text`` is a JSON tree or a string.

    The string is Base64 (of XML or JSON) when ``law_full_text_format`` differs from ``response_format``;
    :class:`LawData` is the decoded form the client returns.
    """

    attached_files_info: AttachedFilesInfo | None = None
    law_info: LawInfo
    revision_info: RevisionInfo | None = None
    law_full_text: dict[str, Any] | StrictStr | None = None


class LawData(_Model):
    """A law's text with its metadata, ``law_full_text`` decoded.

    Attributes:
        full_text_format: ``json`` (then ``law_full_text_json`` holds the tag/attr/children tree) or ``xml``
            (then ``law_full_text_xml`` holds the ``<Law>`` document as UTF-8 bytes).
    """

    law_info: LawInfo
    revision_info: RevisionInfo | None = None
    attached_files_info: AttachedFilesInfo | None = None
    full_text_format: ResponseFormat
    law_full_text_json: dict[str, Any] | None = None
    law_full_text_xml: bytes | None = None


class KeywordSentence(_Model):
    """One hit of ``/keyword``: where (an ``elm``-like position) and the text, hits wrapped in a tag."""

    position: StrictStr | None = None
    text: StrictStr | None = None


class KeywordItem(_Model):
    """One law of ``keyword_response.items`` with its hits."""

    law_info: LawInfo
    revision_info: RevisionInfo | None = None
    sentences: tuple[KeywordSentence, ...] = ()


class KeywordResponse(_Model):
    """``GET /keyword`` (キーワード検索API)."""

    total_count: StrictInt | None = None
    sentence_count: StrictInt | None = None
    next_offset: StrictInt | None = None
    items: tuple[KeywordItem, ...] = ()


class ErrorInfo(_Model):
    """``error_info``: e-Gov's error body (``{"code": "400004", "message": "日付（asof等）が誤っています。"}``)."""

    code: str | None = None
    message: str | None = None


class LawFile(_Model):
    """A downloaded file (``/law_file`` or ``/attachment``): the bytes and what e-Gov said they are."""

    content: bytes
    content_type: str
    filename: str | None = None
