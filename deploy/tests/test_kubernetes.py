"""The Kubernetes manifests: every overlay renders, validates against its schemas and meets the policy —
and the checks fail on the mistakes they exist for (each mutation below is one such mistake)."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from validate import HERE, OVERLAYS, policy_findings, render, schema_findings

Objects = list[dict[str, Any]]


@cache
def _rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    return tuple(render(overlay))


def rendered(overlay: str) -> Objects:
    return copy.deepcopy(list(_rendered(overlay)))


def find(objects: Objects, kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


def api_container(objects: Objects) -> dict[str, Any]:
    container: dict[str, Any] = find(objects, "Deployment", "egov-api")["spec"]["template"]["spec"]["containers"][0]
    return container


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_validates_and_meets_the_policy(overlay: str) -> None:
    objects = rendered(overlay)
    assert schema_findings(objects) == []
    assert policy_findings(objects) == []
    assert all(o["metadata"].get("namespace") == "egov" for o in objects if o["kind"] != "Namespace")


def test_every_workload_of_every_overlay_is_checked() -> None:
    kinds = {(o["kind"], o["metadata"]["name"]) for overlay in OVERLAYS for o in rendered(overlay)}
    assert {
        ("Deployment", "egov-api"),
        ("StatefulSet", "egov-redis"),
        ("Job", "egov-migrate"),
        ("CronJob", "egov-sync"),
        ("CronJob", "egov-ingest"),
        ("CronJob", "egov-embed"),
    } <= kinds


SCHEMA_MISTAKES: dict[str, tuple[str, Callable[[Objects], None]]] = {
    "replicas-as-text": ("Deployment", lambda o: find(o, "Deployment", "egov-api")["spec"].update(replicas="two")),
    "unknown-field": ("Deployment", lambda o: api_container(o).update(readinesProbe={})),
    "cnpg-misspelt": ("Cluster", lambda o: find(o, "Cluster", "egov-db")["spec"].update(instance=3)),
    "cnpg-bad-enum": (
        "Pooler",
        lambda o: find(o, "Pooler", "egov-db-pooler-rw")["spec"]["pgbouncer"].update(poolMode="statement"),
    ),
    "backup-five-field-cron": (
        "ScheduledBackup",
        lambda o: find(o, "ScheduledBackup", "egov-db-nightly")["spec"].update(schedule="30 2 * * *"),
    ),
}


@pytest.mark.parametrize("mistake", sorted(SCHEMA_MISTAKES))
def test_schema_validation_catches(mistake: str) -> None:
    kind, mutate = SCHEMA_MISTAKES[mistake]
    objects = rendered("lite")
    mutate(objects)
    findings = schema_findings(objects)
    assert findings, mistake
    assert all(f.startswith(f"{kind}/") for f in findings), findings


def _job_container(objects: Objects) -> dict[str, Any]:
    cron = find(objects, "CronJob", "egov-sync")
    container: dict[str, Any] = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    return container


def _redis_pod(objects: Objects) -> dict[str, Any]:
    pod: dict[str, Any] = find(objects, "StatefulSet", "egov-redis")["spec"]["template"]["spec"]
    return pod


POLICY_MISTAKES: dict[str, tuple[str, Callable[[Objects], None]]] = {
    "writable-root": (
        "readOnlyRootFilesystem",
        lambda o: api_container(o)["securityContext"].update(readOnlyRootFilesystem=False),
    ),
    "capabilities-kept": ("drop must contain ALL", lambda o: _job_container(o)["securityContext"].pop("capabilities")),
    "capability-added": (
        "adds capabilities",
        lambda o: api_container(o)["securityContext"]["capabilities"].update(add=["NET_ADMIN"]),
    ),
    "privilege-escalation": (
        "allowPrivilegeEscalation",
        lambda o: _job_container(o)["securityContext"].pop("allowPrivilegeEscalation"),
    ),
    "root": ("runAsNonRoot", lambda o: _redis_pod(o)["securityContext"].pop("runAsNonRoot")),
    "no-seccomp": ("RuntimeDefault", lambda o: _redis_pod(o)["securityContext"].pop("seccompProfile")),
    "no-limits": ("resources.limits", lambda o: _job_container(o)["resources"].pop("limits")),
    "secret-in-env": (
        "holds a secret value",
        lambda o: api_container(o)["env"].append({"name": "EGOV_API__OPS_TOKEN", "value": "hunter2"}),
    ),
    "url-with-password-in-env": (
        "URL with credentials",
        lambda o: api_container(o)["env"].append(
            {"name": "EGOV_DATABASE__URL", "value": "postgresql://egov:hunter2@egov-db-rw/egov"}
        ),
    ),
    "secret-key-ref": (
        "secretKeyRef",
        lambda o: api_container(o)["env"].append(
            {"name": "EGOV_REDIS__URL", "valueFrom": {"secretKeyRef": {"name": "egov-app", "key": "redis_url"}}}
        ),
    ),
    "secret-object": (
        "a Secret in the manifests",
        lambda o: o.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "egov-app"}}),
    ),
    "readiness-on-liveness-path": (
        "readinessProbe must GET /health/ready",
        lambda o: api_container(o)["readinessProbe"]["httpGet"].update(path="/health"),
    ),
    "host-network": ("hostNetwork", lambda o: _redis_pod(o).update(hostNetwork=True)),
    "token-mounted": ("automountServiceAccountToken", lambda o: _redis_pod(o).pop("automountServiceAccountToken")),
    "no-default-deny": (
        "no default-deny",
        lambda o: o.remove(find(o, "NetworkPolicy", "egov-default-deny")),
    ),
    "redis-open-to-namespace": (
        "reachable from namespace",
        lambda o: find(o, "NetworkPolicy", "egov-redis")["spec"]["ingress"][0]["from"].append(
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "default"}}}
        ),
    ),
    "postgres-open-to-any-pod": (
        "reachable from pods",
        lambda o: find(o, "NetworkPolicy", "egov-postgres")["spec"]["ingress"][0]["from"].append(
            {"podSelector": {"matchLabels": {"app": "anything"}}}
        ),
    ),
    "postgres-open-to-ip": (
        "open to",
        lambda o: find(o, "NetworkPolicy", "egov-postgres")["spec"]["ingress"][0]["from"].append(
            {"ipBlock": {"cidr": "0.0.0.0/0"}}
        ),
    ),
    "no-replica": ("instances >= 2", lambda o: find(o, "Cluster", "egov-db")["spec"].update(instances=1)),
    "no-backup": ("no ScheduledBackup", lambda o: o.remove(find(o, "ScheduledBackup", "egov-db-nightly"))),
    "no-pdb": ("PodDisruptionBudget/egov-api: missing", lambda o: o.remove(find(o, "PodDisruptionBudget", "egov-api"))),
}


@pytest.mark.parametrize("mistake", sorted(POLICY_MISTAKES))
def test_policy_catches(mistake: str) -> None:
    needle, mutate = POLICY_MISTAKES[mistake]
    objects = rendered("lite")
    mutate(objects)
    findings = policy_findings(objects)
    assert any(needle in f for f in findings), findings


def test_full_runs_the_full_image_and_embeds_one_at_a_time() -> None:
    objects = rendered("full")
    assert api_container(objects)["image"] == "egov:full"
    embed = find(objects, "CronJob", "egov-embed")
    assert embed["spec"]["concurrencyPolicy"] == "Forbid"
    assert embed["spec"]["jobTemplate"]["spec"]["parallelism"] == 1
    assert api_container(rendered("lite"))["image"] == "egov:lite"


def test_imports_and_syncs_never_overlap() -> None:
    objects = rendered("lite")
    for name in ("egov-sync", "egov-ingest"):
        assert find(objects, "CronJob", name)["spec"]["concurrencyPolicy"] == "Forbid"
    assert find(objects, "CronJob", "egov-sync")["spec"]["jobTemplate"]["spec"]["parallelism"] == 1
    assert find(objects, "CronJob", "egov-ingest")["spec"]["suspend"] is True  # run on demand only


def test_ingest_runs_as_shards_of_one_indexed_job() -> None:
    job = find(rendered("lite"), "CronJob", "egov-ingest")["spec"]["jobTemplate"]["spec"]
    assert job["completionMode"] == "Indexed"
    assert job["parallelism"] == job["completions"]
    container = job["template"]["spec"]["containers"][0]
    assert container["args"][:4] == ["egov", "ingest", "--shard", f"$(JOB_COMPLETION_INDEX)/{job['completions']}"]
    index = next(e for e in container["env"] if e["name"] == "JOB_COMPLETION_INDEX")
    assert "job-completion-index" in index["valueFrom"]["fieldRef"]["fieldPath"]


def test_production_has_replicas_tls_and_spread() -> None:
    objects = rendered("production")
    assert find(objects, "Cluster", "egov-db")["spec"]["instances"] == 3
    assert find(objects, "HorizontalPodAutoscaler", "egov-api")["spec"]["minReplicas"] == 3
    assert find(objects, "Ingress", "egov-api")["spec"]["tls"][0]["secretName"] == "egov-api-tls"
    assert all(p["spec"]["instances"] == 3 for p in objects if p["kind"] == "Pooler")


def test_external_database_option_drops_the_operator_objects_and_opens_only_5432() -> None:
    objects = rendered("production-external-db")
    assert not [o for o in objects if o["apiVersion"].startswith("postgresql.cnpg.io/")]
    assert not [o for o in objects if o["kind"] == "StatefulSet"]
    egress = find(objects, "NetworkPolicy", "egov-db-clients-egress")["spec"]["egress"]
    assert sorted(rule["ports"][0]["port"] for rule in egress) == [5432, 6379]
    assert all("ipBlock" in peer for rule in egress for peer in rule["to"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_api_reads_from_the_replicas_through_the_ro_pooler(overlay: str) -> None:
    objects = rendered(overlay)
    container = api_container(objects)
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["EGOV_DATABASE__READ_POOLED"] == "true"  # PgBouncer in transaction mode: one transaction per read
    path = env["EGOV_DATABASE__READ_URL_FILE"]
    mount = next(m for m in container["volumeMounts"] if path.startswith(m["mountPath"] + "/"))
    volumes = find(objects, "Deployment", "egov-api")["spec"]["template"]["spec"]["volumes"]
    volume = next(v for v in volumes if v["name"] == mount["name"])
    assert volume["secret"]["secretName"] == "egov-app"
    # make-secrets.sh writes that key, and for CloudNativePG points it at the ro pooler the overlay has.
    script = (HERE / "make-secrets.sh").read_text(encoding="utf-8")
    assert f"--from-file={path.rsplit('/', 1)[1]}=" in script
    poolers = {o["metadata"]["name"]: o["spec"]["type"] for o in objects if o["kind"] == "Pooler"}
    if poolers:
        assert poolers["egov-db-pooler-ro"] == "ro"
        assert "@egov-db-pooler-ro:" in script


def test_every_secret_a_manifest_names_is_made_by_the_script() -> None:
    script = (HERE / "make-secrets.sh").read_text(encoding="utf-8")
    made = set(re.findall(r"^#\s+(egov-[a-z0-9-]+)\s", script, re.MULTILINE))
    named: set[str] = set()
    for overlay in OVERLAYS:
        text = repr(rendered(overlay))
        named |= set(re.findall(r"'(?:secretName|name)': '(egov-(?:app|redis|db-owner|backup-s3))'", text))
    assert named <= made, named - made
    assert {"egov-app", "egov-redis", "egov-db-owner", "egov-backup-s3"} <= named


def test_command_line_reports_and_fails(tmp_path: Path) -> None:
    script = HERE / "validate.py"
    ok = subprocess.run([sys.executable, str(script), "lite"], capture_output=True, text=True, check=False)
    assert (ok.returncode, ok.stdout.strip().splitlines()[-1]) == (0, "lite: 25 objects, ok"), ok.stderr
    # kustomize wants bases below a common root: a copy of the tree with one bad overlay beside the others.
    tree = tmp_path / "kubernetes"
    shutil.copytree(HERE, tree, ignore=shutil.ignore_patterns("__pycache__"))
    bad = tree / "overlays" / "bad"
    bad.mkdir()
    (bad / "kustomization.yaml").write_text(
        "resources: [../lite]\n"
        "patches:\n  - target: {kind: Deployment, name: egov-api}\n"
        "    patch: |-\n      - {op: remove, path: /spec/template/spec/securityContext/seccompProfile}\n",
        encoding="utf-8",
    )
    proc = subprocess.run([sys.executable, str(script), str(bad)], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "Deployment/egov-api: pod securityContext.seccompProfile.type must be RuntimeDefault" in proc.stdout
