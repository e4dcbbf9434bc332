"""The citation graph over real HTTP: what a provision cites (resolved in context, delegations to the 施行令),
what cites it (statutes and court decisions, filterable), a law's degree, and problem+json for bad input."""

from __future__ import annotations

import httpx

from egov_api.schemas.graph_examples import CITATION_PATH_EXAMPLE

SHAKUCHI = "403AC0000000090"  # 借地借家法
ISHO, ISHO_REI = "334AC0000000125", "335CO0000000018"  # 意匠法, 意匠法施行令
MINPO = "129AC0000000089"


def test_what_a_provision_cites(http: httpx.Client) -> None:
    body = http.get(f"/v1/laws/{SHAKUCHI}/provisions/Article_5/citations").json()
    assert body["path"] == "MainProvision-Article_5"
    assert body["page"]["total"] == len(body["items"]) > 0
    first = body["items"][0]
    assert (first["path"], first["raw"], first["kind"], first["status"]) == (
        "MainProvision-Article_5-Paragraph_1",
        "前条",
        "cites",
        "resolved",
    )
    assert (first["target_law_id"], first["target_path"]) == (SHAKUCHI, "MainProvision-Article_4")
    assert first["target_title"] == "借地借家法"
    assert first["url"] == f"/v1/laws/{SHAKUCHI}/provisions/MainProvision-Article_4"
    one = http.get(f"/v1/laws/{SHAKUCHI}/provisions/Article_5-Paragraph_1/citations").json()
    assert {i["path"] for i in one["items"]} == {"MainProvision-Article_5-Paragraph_1"}


def test_delegations_and_the_law_degree(http: httpx.Client) -> None:
    delegations = http.get(
        f"/v1/laws/{ISHO}/provisions/MainProvision/citations", params={"kind": "delegates", "limit": "500"}
    ).json()
    assert delegations["items"], "意匠法 delegates to 政令 and 経済産業省令"
    assert {i["kind"] for i in delegations["items"]} == {"delegates"}
    by_raw = {(i["raw"], i["target_law_id"], i["reason"]) for i in delegations["items"]}
    assert ("政令で定める", ISHO_REI, None) in by_raw
    graph = http.get(f"/v1/laws/{ISHO}/graph").json()
    assert graph["delegations"] >= delegations["page"]["total"]
    assert graph["out_edges"] >= graph["out_resolved"] > 0
    rei = http.get(f"/v1/laws/{ISHO_REI}/graph").json()
    assert rei["in_laws"] >= 1
    assert rei["in_edges"] >= 1


def test_what_cites_a_provision(http: httpx.Client) -> None:
    statutes = http.get(f"/v1/laws/{SHAKUCHI}/provisions/Article_4/cited-by", params={"source": "statute"}).json()
    assert "MainProvision-Article_5-Paragraph_1" in {i["path"] for i in statutes["items"]}
    assert all(i["source"] == "statute" and i["url"].startswith("/v1/laws/") for i in statutes["items"])
    decisions = http.get(f"/v1/laws/{MINPO}/provisions/Article_709/cited-by", params={"source": "decision"}).json()
    assert decisions["page"]["total"] > 0
    assert all(i["lawsuit_id"] and i["url"] == f"/v1/cases/{i['lawsuit_id']}" for i in decisions["items"])
    both = http.get(f"/v1/laws/{MINPO}/provisions/Article_709/cited-by", params={"limit": "1"}).json()
    assert both["page"]["total"] >= decisions["page"]["total"]
    assert both["page"]["next_offset"] == (1 if both["page"]["total"] > 1 else None)


def test_bad_input_is_a_problem(http: httpx.Client) -> None:
    bad_path = http.get(f"/v1/laws/{SHAKUCHI}/provisions/Article_x!/citations")
    assert bad_path.status_code in (400, 404)
    assert bad_path.headers["content-type"].startswith("application/problem+json")
    missing = http.get(f"/v1/laws/{SHAKUCHI}/provisions/Article_9999/cited-by")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    kind = http.get(f"/v1/laws/{SHAKUCHI}/provisions/Article_4/cited-by", params={"kind": "amends"})
    assert kind.status_code in (400, 422)
    assert kind.json()["parameter"] == "kind" or "kind" in kind.text
    assert http.get("/v1/laws/999AC0000000999/graph").status_code == 404


def test_the_shortest_citation_path(http: httpx.Client) -> None:
    # 第五十六条 「前条第一項の裁判」 → 第五十五条第一項 「第十七条第一項から第三項まで…」 → 第十七条.
    params = {"from": f"{SHAKUCHI}:Article_56", "to": f"{SHAKUCHI}:Article_17"}
    body = http.get("/v1/graph/path", params=params).json()
    assert body == CITATION_PATH_EXAMPLE
    # A law as the target: 第四十六条第二項 cites 民事訴訟法第九十一条第四項.
    other = http.get("/v1/graph/path", params={"from": f"{SHAKUCHI}:Article_46", "to": "408AC0000000109"}).json()
    assert (other["end"], other["length"]) == ("408AC0000000109", 1)
    same = http.get(
        "/v1/graph/path", params={"from": f"{SHAKUCHI}:Article_17-Paragraph_1", "to": f"{SHAKUCHI}:Article_17"}
    )
    assert (same.json()["length"], same.json()["steps"]) == (0, [])


def test_path_problems(http: httpx.Client) -> None:
    none = http.get("/v1/graph/path", params={"from": f"{SHAKUCHI}:Article_1", "to": f"{ISHO}:Article_1"})
    assert none.status_code == 404
    assert none.json()["type"] == "/problems/citation-path-not-found"
    for params in (
        {"from": SHAKUCHI, "to": ISHO},  # from needs a provision
        {"from": f"{SHAKUCHI}:Article_5;drop", "to": ISHO},
        {"from": f"{SHAKUCHI}:Article_5", "to": ISHO, "max_depth": "7"},
        {"from": "x" * 400, "to": ISHO},
    ):
        bad = http.get("/v1/graph/path", params=params)
        assert bad.status_code in (400, 422), params
        assert bad.headers["content-type"].startswith("application/problem+json")
    missing = http.get("/v1/graph/path", params={"from": f"{SHAKUCHI}:Article_9999", "to": ISHO})
    assert missing.json()["type"] == "/problems/provision-not-found"
    assert http.get("/v1/graph/path", params={"from": "999AC0000000999:Article_1", "to": ISHO}).status_code == 404


def test_the_law_resource_carries_its_degree_on_request(http: httpx.Client) -> None:
    plain = http.get(f"/v1/laws/{ISHO_REI}").json()
    assert plain["graph"] is None
    assert plain["links"]["graph"].startswith(f"/v1/laws/{ISHO_REI}/graph")
    expanded = http.get(f"/v1/laws/{ISHO_REI}", params={"expand": "graph"}).json()
    assert expanded["graph"] == http.get(f"/v1/laws/{ISHO_REI}/graph").json()
    assert expanded["graph"]["in_laws"] >= 1
    assert http.get(f"/v1/laws/{ISHO_REI}", params={"expand": "everything"}).status_code == 422
