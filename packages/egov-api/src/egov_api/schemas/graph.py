"""The statute citation graph: a provision's references, what cites it, a law's degree."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from egov_api.schemas.common import Model, PageInfo


class Citation(Model):
    """One reference in a provision's text and what it resolved to."""

    path: str = Field(description="The provision whose text holds the reference.", examples=["MainProvision-Article_3"])
    kind: Literal["cites", "delegates"] = Field(
        description="cites: refers to a provision or law; delegates: 「政令で定める」「…省令で定める」 (target: the "
        "implementing 施行令 / 施行規則 when stored)."
    )
    raw: str = Field(description="The reference as written.", examples=["前条第一項"])
    status: Literal["resolved", "historical", "ambiguous", "not_found"]
    target_law_id: str | None = Field(examples=["403AC0000000090"])
    target_title: str | None = Field(examples=["借地借家法"])
    target_path: str | None = Field(
        description="The provision referred to; null for a law as a whole or when unresolved.",
        examples=["MainProvision-Article_2-Paragraph_1"],
    )
    target_end_path: str | None = Field(description="The end of a cited range (第五条から第七条まで).")
    reason: str | None = Field(
        description="Why it did not resolve (unknown_law, no_such_provision, no_context, ambiguous_law, old_law, "
        "order_not_stored …), or partial (only an enclosing provision was found).",
        examples=[None],
    )
    url: str | None = Field(description="The target provision's resource, when resolved to one.")


class CitationList(Model):
    """A page of a provision's outgoing references."""

    law_id: str
    law_revision_id: str
    path: str
    page: PageInfo
    items: list[Citation]


class CitingSource(Model):
    """Something that cites a provision: a provision of a law (current revision) or a court decision."""

    source: Literal["statute", "decision"]
    kind: Literal["cites", "delegates"]
    raw: str = Field(description="The reference as written.", examples=["借地借家法第三条"])
    target_path: str | None = Field(description="What exactly it cites (the provision or one inside it).")
    law_id: str | None = Field(description="The citing law (statute).", examples=["403AC0000000090"])
    title: str | None = Field(description="The citing law's title (statute).")
    law_revision_id: str | None = None
    path: str | None = Field(description="The citing provision (statute).")
    lawsuit_id: str | None = Field(description="The citing decision (decision).")
    url: str = Field(description="The citing provision's or decision's resource.")


class CitedByList(Model):
    """A page of what cites a provision."""

    law_id: str
    path: str
    page: PageInfo
    items: list[CitingSource]


class LawGraph(Model):
    """A law's place in the citation graph."""

    law_id: str
    law_revision_id: str = Field(description="The revision whose references are counted as outgoing.")
    out_edges: int = Field(description="References in the revision's text (all, resolved or not).")
    out_resolved: int = Field(description="Of those, resolved to a law (and provision where one was named).")
    out_laws: int = Field(description="Other laws referred to.")
    delegations: int = Field(description="Delegations (政令 / 省令で定める …) among the references.")
    in_edges: int = Field(description="References to this law in other laws' current revisions.")
    in_laws: int = Field(description="Laws whose current revision refers to this law.")
    in_decisions: int = Field(description="Court decisions whose 参照法条 cite this law.")


class PathStep(Model):
    """One reference on a citation path."""

    law_id: str = Field(description="The provision the step leaves (a node of the path).", examples=["403AC0000000090"])
    path: str = Field(examples=["MainProvision-Article_5"])
    source_path: str = Field(
        description="The provision (the node or one inside it) whose text holds the reference.",
        examples=["MainProvision-Article_5-Paragraph_1"],
    )
    kind: Literal["cites", "delegates"]
    raw: str = Field(description="The reference as written.", examples=["前条"])
    target_law_id: str = Field(examples=["403AC0000000090"])
    target_path: str = Field(description="The provision cited: the next node.", examples=["MainProvision-Article_4"])
    url: str = Field(description="The cited provision's resource.")


class CitationPath(Model):
    """The shortest chain of references from one provision to another (current revisions)."""

    start: str = Field(
        description="`from` as stored: `law_id:path`.", examples=["403AC0000000090:MainProvision-Article_5"]
    )
    end: str = Field(description="`to` as stored: `law_id:path`, or `law_id`.")
    length: int = Field(description="References on the path (0: `from` is `to` or inside it).")
    visited_limit: int = Field(description="The most provisions the search was allowed to visit.")
    steps: list[PathStep]
