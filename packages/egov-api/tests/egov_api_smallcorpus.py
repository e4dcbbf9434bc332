"""A small real corpus for in-process route tests: three laws and three court decisions of the shared data,
imported once per session into a template database (see ``egov_testsupport.PgTemplates``)."""

from __future__ import annotations

from egov_testsupport import PgTemplates, load_laws

#: 民法 (articles, citations), 国家賠償法 (small), 労働基準法 (abbreviation 労基法).
SMALL_LAWS = ("129AC0000000089", "322AC0000000125", "322AC0000000049")
#: Two 最高裁 decisions on 損害賠償 and one of the 東京高等裁判所.
SMALL_CASES = ("52218_SupremeCourt.json", "55167_SupremeCourt.json", "22090_HighCourt.json")


async def small_corpus(templates: PgTemplates) -> str:
    """The URL of a new database holding the small corpus."""
    return await templates.copy("api-small", load_laws(SMALL_LAWS, cases=SMALL_CASES))
