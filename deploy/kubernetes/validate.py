"""Render every overlay and check it: schemas of every object, and the security policy of every workload.

    python deploy/kubernetes/validate.py [OVERLAY ...]     # default: every overlay; exit 1 on any finding

1. ``kubectl kustomize`` renders each overlay (no cluster needed).
2. Every object is validated against its schema: core kinds with kubernetes-validate (strict: unknown
   fields fail), CloudNativePG kinds with the vendored JSON Schemas in ``schemas/``.
3. The policy: every workload (Deployment, StatefulSet, Job, CronJob) runs non-root with seccomp
   RuntimeDefault, no service-account token, and each container with a read-only root, no privilege
   escalation, ``drop: [ALL]`` and CPU/memory requests and limits; no host namespaces or hostPath;
   secrets only as mounted files (no literal or ``secretKeyRef`` environment values, no Secret objects
   in the manifests); the API probes ``/health/ready`` (readiness) and ``/health`` (liveness); default-deny
   NetworkPolicies, with PostgreSQL and Redis reachable only from the app and the jobs; an HPA and a PDB
   for the API; CloudNativePG with at least one replica, a Pooler and a ScheduledBackup.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import yaml

__all__ = ["KUBERNETES_VERSION", "OVERLAYS", "main", "policy_findings", "render", "schema_findings"]

HERE = Path(__file__).resolve().parent
OVERLAYS: tuple[str, ...] = ("lite", "full", "production", "production-external-db")
#: The Kubernetes API version the manifests are validated against (CronJob timeZone, preStop sleep: >= 1.30).
KUBERNETES_VERSION = "1.31.0"
WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"})
CNPG_SCHEMAS = {"Cluster": "cluster_v1.json", "Pooler": "pooler_v1.json", "ScheduledBackup": "scheduledbackup_v1.json"}
SECRET_WORDS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY", "CREDENTIAL")


def render(overlay: str | Path) -> list[dict[str, Any]]:
    """The objects ``kubectl kustomize`` renders for an overlay (a name under overlays/ or a path)."""
    path = Path(overlay) if Path(overlay).is_dir() else HERE / "overlays" / str(overlay)
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise RuntimeError("kubectl is not on PATH: it renders the kustomizations (`kubectl kustomize`)")
    out = subprocess.run([kubectl, "kustomize", str(path)], capture_output=True, text=True, check=False)
    if out.returncode:
        raise RuntimeError(f"kubectl kustomize {path}: {out.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def _name(obj: dict[str, Any]) -> str:
    return f"{obj.get('kind')}/{(obj.get('metadata') or {}).get('name')}"


def schema_findings(objects: Sequence[dict[str, Any]], version: str = KUBERNETES_VERSION) -> list[str]:
    """Every object that does not validate against its schema, one line each."""
    import kubernetes_validate  # type: ignore[import-untyped]  # ships no py.typed

    findings = []
    for obj in objects:
        kind = str(obj.get("kind"))
        if str(obj.get("apiVersion", "")).startswith("postgresql.cnpg.io/"):
            schema_file = CNPG_SCHEMAS.get(kind)
            if schema_file is None:
                findings.append(f"{_name(obj)}: no vendored schema for this CloudNativePG kind (schemas/README.md)")
                continue
            schema = json.loads((HERE / "schemas" / schema_file).read_text(encoding="utf-8"))
            for error in jsonschema.Draft202012Validator(schema).iter_errors(obj):
                where = "/".join(str(p) for p in error.absolute_path)
                findings.append(f"{_name(obj)}: {where}: {error.message}")
            continue
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            where = "/".join(str(p) for p in error.path)
            findings.append(f"{_name(obj)}: {where}: {error.message}")
        except (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.InvalidSchemaError) as error:
            findings.append(f"{_name(obj)}: no schema: {error}")
    return findings


def _pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj.get("spec") or {}
    if obj.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return ((spec.get("template") or {}).get("spec")) or {}


def _workload(obj: dict[str, Any]) -> Iterator[str]:
    name = _name(obj)
    pod = _pod_spec(obj)
    psc = pod.get("securityContext") or {}
    if psc.get("runAsNonRoot") is not True:
        yield f"{name}: pod securityContext.runAsNonRoot must be true"
    if (psc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        yield f"{name}: pod securityContext.seccompProfile.type must be RuntimeDefault"
    if pod.get("automountServiceAccountToken") is not False:
        yield f"{name}: automountServiceAccountToken must be false (nothing here talks to the Kubernetes API)"
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(flag):
            yield f"{name}: {flag} must not be set"
    for volume in pod.get("volumes") or []:
        if "hostPath" in volume:
            yield f"{name}: volume {volume.get('name')} is a hostPath"
    containers = [*(pod.get("initContainers") or []), *(pod.get("containers") or [])]
    if not containers:
        yield f"{name}: no containers"
    for c in containers:
        where = f"{name} container {c.get('name')}"
        sc = c.get("securityContext") or {}
        if sc.get("readOnlyRootFilesystem") is not True:
            yield f"{where}: securityContext.readOnlyRootFilesystem must be true"
        if sc.get("allowPrivilegeEscalation") is not False:
            yield f"{where}: securityContext.allowPrivilegeEscalation must be false"
        if sc.get("privileged"):
            yield f"{where}: privileged"
        caps = sc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            yield f"{where}: securityContext.capabilities.drop must contain ALL"
        if caps.get("add"):
            yield f"{where}: adds capabilities {caps['add']}"
        if sc.get("runAsUser") == 0:
            yield f"{where}: runs as uid 0"
        res = c.get("resources") or {}
        for part in ("requests", "limits"):
            missing = {"cpu", "memory"} - set(res.get(part) or {})
            if missing:
                yield f"{where}: resources.{part} lacks {', '.join(sorted(missing))}"
        for env in c.get("env") or []:
            key = str(env.get("name", "")).upper()
            if "secretKeyRef" in (env.get("valueFrom") or {}):
                yield f"{where}: env {key} from a secretKeyRef; secrets are mounted files (…_FILE)"
            if "value" in env and any(w in key for w in SECRET_WORDS) and not key.endswith("_FILE"):
                yield f"{where}: env {key} holds a secret value; mount it and give {key}_FILE"
            if "value" in env and "://" in str(env["value"]) and "@" in str(env["value"]):
                yield f"{where}: env {key} is a URL with credentials; mount it as a file"
        for source in c.get("envFrom") or []:
            if "secretRef" in source:
                yield f"{where}: envFrom a Secret; secrets are mounted files (…_FILE)"


def _probe_path(container: dict[str, Any], probe: str) -> str | None:
    return (((container.get(probe) or {}).get("httpGet")) or {}).get("path")


def _api(obj: dict[str, Any]) -> Iterator[str]:
    for c in _pod_spec(obj).get("containers") or []:
        if _probe_path(c, "readinessProbe") != "/health/ready":
            yield f"{_name(obj)} container {c.get('name')}: readinessProbe must GET /health/ready"
        if _probe_path(c, "livenessProbe") != "/health":
            yield f"{_name(obj)} container {c.get('name')}: livenessProbe must GET /health"


def _selects(policy: dict[str, Any], labels: dict[str, str]) -> bool:
    wanted = ((policy.get("spec") or {}).get("podSelector") or {}).get("matchLabels") or {}
    return all(labels.get(k) == v for k, v in wanted.items())


def _network(objects: Sequence[dict[str, Any]]) -> Iterator[str]:
    policies = [o for o in objects if o.get("kind") == "NetworkPolicy"]
    default_deny = [
        p
        for p in policies
        if not ((p.get("spec") or {}).get("podSelector") or {})
        and {"Ingress", "Egress"} <= set((p.get("spec") or {}).get("policyTypes") or [])
        and not (p.get("spec") or {}).get("ingress")
        and not (p.get("spec") or {}).get("egress")
    ]
    if not default_deny:
        yield "NetworkPolicy: no default-deny (podSelector {}, Ingress and Egress, no rules)"
    allowed_clients = ({"egov.io/db-client": "true"}, {"egov.io/pooler": "true"}, {"cnpg.io/cluster": "egov-db"})
    backends = [
        ("Redis", {"app.kubernetes.io/component": "cache"}),
        ("PostgreSQL", {"cnpg.io/cluster": "egov-db"}),
        ("PgBouncer", {"egov.io/pooler": "true"}),
    ]
    has = {o.get("kind") for o in objects}
    present = {
        "Redis": any(o.get("kind") == "StatefulSet" and _name(o) == "StatefulSet/egov-redis" for o in objects),
        "PostgreSQL": "Cluster" in has,
        "PgBouncer": "Pooler" in has,
    }
    for what, labels in backends:
        if not present[what]:
            continue
        selecting = [p for p in policies if _selects(p, labels) and (p.get("spec") or {}).get("podSelector")]
        if not selecting:
            yield f"NetworkPolicy: nothing selects {what} ({labels})"
        for policy in selecting:
            for rule in (policy.get("spec") or {}).get("ingress") or []:
                for peer in rule.get("from") or [{}]:
                    if "ipBlock" in peer or not peer:
                        yield f"{_name(policy)}: {what} open to {peer or 'anyone'}"
                    pods = (peer.get("podSelector") or {}).get("matchLabels")
                    namespace = ((peer.get("namespaceSelector") or {}).get("matchLabels") or {}).get(
                        "kubernetes.io/metadata.name"
                    )
                    if pods is not None and pods not in allowed_clients:
                        yield f"{_name(policy)}: {what} reachable from pods {pods}"
                    if pods is None and namespace != "cnpg-system":
                        yield f"{_name(policy)}: {what} reachable from namespace {namespace or 'any'}"


def policy_findings(objects: Sequence[dict[str, Any]]) -> list[str]:
    """Every breach of the security and operations policy (module docstring), one line each."""
    findings: list[str] = []
    kinds: dict[str, list[dict[str, Any]]] = {}
    for obj in objects:
        kinds.setdefault(str(obj.get("kind")), []).append(obj)
        if obj.get("kind") == "Secret":
            findings.append(f"{_name(obj)}: a Secret in the manifests; create it out of band (make-secrets.sh)")
        if obj.get("kind") in WORKLOAD_KINDS:
            findings.extend(_workload(obj))
    apis = [d for d in kinds.get("Deployment", []) if _name(d) == "Deployment/egov-api"]
    if not apis:
        findings.append("Deployment/egov-api: missing")
    for api in apis:
        findings.extend(_api(api))
    for kind in ("HorizontalPodAutoscaler", "PodDisruptionBudget"):
        if not any((o.get("metadata") or {}).get("name") == "egov-api" for o in kinds.get(kind, [])):
            findings.append(f"{kind}/egov-api: missing")
    for cluster in kinds.get("Cluster", []):
        if int((cluster.get("spec") or {}).get("instances", 1)) < 2:
            findings.append(f"{_name(cluster)}: needs at least one read replica (instances >= 2)")
        if not kinds.get("Pooler"):
            findings.append(f"{_name(cluster)}: no PgBouncer Pooler in front of it")
        if not kinds.get("ScheduledBackup"):
            findings.append(f"{_name(cluster)}: no ScheduledBackup")
    findings.extend(_network(objects))
    return findings


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: check the given overlays (default: all); one line per finding, exit 1 on any."""
    overlays = list(sys.argv[1:] if argv is None else argv) or list(OVERLAYS)
    failed = False
    for overlay in overlays:
        objects = render(overlay)
        findings = schema_findings(objects) + policy_findings(objects)
        for finding in findings:
            print(f"{overlay}: {finding}")
        print(
            f"{overlay}: {len(objects)} objects, {'FAILED, ' + str(len(findings)) + ' finding(s)' if findings else 'ok'}"
        )
        failed = failed or bool(findings)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
