"""Provisions (条・項・号 …)."""

from __future__ import annotations

from pydantic import Field

from egov_api.schemas.common import Model
from egov_api.schemas.definitions import DefinedTerm


class ProvisionRef(Model):
    """A link to another provision."""

    path: str = Field(examples=["MainProvision-Article_708"])
    kind: str = Field(examples=["Article"])
    title: str | None = Field(examples=["第七百八条"])
    caption: str | None = None
    url: str = Field(examples=["/v1/laws/129AC0000000089/provisions/MainProvision-Article_708"])


class ProvisionChild(Model):
    """A child provision with its text (e.g. the paragraphs of an article)."""

    path: str
    kind: str
    num: str | None
    title: str | None
    caption: str | None
    text: str = Field(description="The child's own text.")
    full_text: str = Field(description="The child's text including its own children, labelled.")
    url: str


class Provision(Model):
    """One provision with its text, caption, children and neighbours."""

    law_id: str = Field(examples=["129AC0000000089"])
    law_title: str = Field(examples=["民法"])
    law_revision_id: str
    path: str = Field(description="e-Gov elm-compatible path.", examples=["MainProvision-Article_709"])
    kind: str = Field(examples=["Article"])
    num: str | None = Field(examples=["709"])
    title: str | None = Field(examples=["第七百九条"])
    caption: str | None = Field(examples=["（不法行為による損害賠償）"])
    text: str = Field(description="The provision's own text (without child provisions).")
    full_text: str = Field(
        description="Plain text of the whole provision, labelled.",
        examples=[
            "第七百九条　故意又は過失によって他人の権利又は法律上保護される利益を侵害した者は、これによって生じた損害を賠償する責任を負う。"
        ],
    )
    children: list[ProvisionChild]
    parent: ProvisionRef | None
    previous: ProvisionRef | None
    next: ProvisionRef | None
    url: str
    definitions: list[DefinedTerm] | None = Field(
        default=None,
        description="With `expand=definitions`: the defined terms this provision's text uses, whose scope reaches it.",
    )
