"""新旧対照 (diffs between two revisions of a law) and amendments."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from egov_api.schemas.common import Model, PageInfo
from egov_api.schemas.laws import RevisionSummary


class Amendment(Model):
    """A revision of a law seen as the amendment that produced it."""

    law_id: str = Field(description="The amended law.", examples=["405AC0000000047"])
    law_title: str | None = Field(
        default=None, description="The amended law's current title.", examples=["不正競争防止法"]
    )
    law_revision_id: str = Field(examples=["405AC0000000047_20240401_505AC0000000051"])
    enforcement_date: date | None = Field(description="施行日 of the revision.", examples=["2024-04-01"])
    amendment_law_id: str | None = Field(
        description="The amending law (000000000000000 for an original text).", examples=["505AC0000000051"]
    )
    amendment_law_title: str | None = Field(
        default=None, description="The amending law's title, when the store holds that law."
    )
    amendment_promulgate_date: date | None = Field(default=None, description="公布日 of the amending law.")
    status: str | None = Field(
        description="e-Gov's label when the text was fetched (CurrentEnforced, PreviousEnforced, UnEnforced).",
        examples=["UnEnforced"],
    )
    pending: bool = Field(description="Not yet in force today (enforcement date after today).")
    url: str = Field(description="The revision's law resource.")


class UnitRef(Model):
    """One side of a change: the provision unit in one revision."""

    path: str = Field(description="e-Gov elm path in that revision.", examples=["MainProvision-Article_2"])
    key: str = Field(
        description="Identity across revisions (附則 named by their amending law number instead of position).",
        examples=["MainProvision-Article_2"],
    )
    kind: str = Field(examples=["Article"])
    title: str | None = Field(default=None, examples=["第二条"])
    caption: str | None = Field(default=None, examples=["（定義）"])


class Edit(Model):
    """One step from the old text to the new one."""

    op: Literal["equal", "delete", "insert"]
    text: str


class Change(Model):
    """What became of one provision unit (an article with its 項・号, a heading, a 附則 heading, a 別表 …)."""

    change: Literal["unchanged", "formatting", "amended", "renumbered", "inserted", "deleted"] = Field(
        description=(
            "formatting: only white space or ruby / inline markup differs; renumbered: the same content under "
            "another number (条の繰上げ・繰下げ), possibly amended too."
        )
    )
    old: UnitRef | None = Field(description="The unit before (null when inserted).")
    new: UnitRef | None = Field(description="The unit after (null when deleted).")
    edits: list[Edit] = Field(
        description="Character-level edits turning the old text into the new one; their equal + delete parts "
        "spell the old text, equal + insert the new one. Empty when the texts are equal."
    )
    amended_by: list[str] | None = Field(
        default=None,
        description="The revisions (law_revision_id, each the amendment that produced it) that changed this "
        "provision between `from` and `to`, traced step by step; null when the span has more than 10 amendments.",
        examples=[["405AC0000000047_20240216_505AC0000000028"]],
    )


class DiffLimits(Model):
    """The bounds that keep a diff's cost proportional to the two texts."""

    char_diff_cap: int = Field(
        description="Largest product of old × new tokens (lines, phrases, characters) matched inside a changed "
        "unit; a bigger changed block is one deletion and one insertion."
    )
    pair_cap: int = Field(description="Largest leftover region (old × new units) paired by similarity.")
    exhaustive: bool = Field(description="False when some region exceeded pair_cap and was paired by number only.")


class LawDiff(Model):
    """The 新旧対照 of two revisions of one law."""

    law_id: str = Field(examples=["405AC0000000047"])
    old: RevisionSummary = Field(description="The revision compared from (`from`).")
    new: RevisionSummary = Field(description="The revision compared to (`to`).")
    amendments: list[Amendment] = Field(
        description="The revisions between the two (after the older one, up to the newer one), oldest first."
    )
    counts: dict[str, int] = Field(description="Units per change kind, unchanged included.")
    limits: DiffLimits
    page: PageInfo
    changes: list[Change]
    links: dict[str, str] = Field(description="The side-by-side HTML view of the same diff.")


class AmendmentList(Model):
    """A page of amendments."""

    page: PageInfo
    items: list[Amendment]


class ChangedUnit(Model):
    """One provision an amendment changed (without its text: follow ``diff`` for the edits)."""

    change: Literal["formatting", "amended", "renumbered", "inserted", "deleted"]
    old_path: str | None = Field(description="Path before (null when inserted).", examples=["MainProvision-Article_4"])
    new_path: str | None = Field(description="Path after (null when deleted).", examples=["MainProvision-Article_5"])
    title: str | None = Field(description="Heading label (after, or before when deleted).", examples=["第五条"])
    caption: str | None = Field(default=None, examples=["（定義）"])


class AmendmentChanges(Model):
    """One amendment in a period and what it changed in the law."""

    amendment: Amendment
    previous_revision_id: str | None = Field(description="The revision it amended (null for the first text).")
    counts: dict[str, int] = Field(description="Units per change kind.")
    changes: list[ChangedUnit]
    diff: str | None = Field(description="The full 新旧対照 of this amendment.")


class LawTimeline(Model):
    """What changed in a law between two dates, amendment by amendment."""

    law_id: str = Field(examples=["405AC0000000047"])
    enforced_after: date | None = Field(description="Exclusive lower bound on the 施行日.")
    enforced_before: date | None = Field(description="Exclusive upper bound on the 施行日.")
    page: PageInfo
    items: list[AmendmentChanges]
