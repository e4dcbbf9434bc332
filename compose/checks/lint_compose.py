"""Security lint of the egov compose files: the rules of issue 7, checked statically.

    python compose/checks/lint_compose.py compose/compose.yaml [compose/compose.lan.yaml ...]

Files given together are merged in order, like ``docker compose -f A -f B``. Exit status 1 and one
line per violation (``file(s): service 'x': [rule] message``) when anything is wrong.

Rules: only the app publishes ports, and only on 127.0.0.1 unless a file is the explicit LAN override
(``x-egov-exposure: lan``); a reverse proxy may publish 80/443, monitoring only on 127.0.0.1; PostgreSQL
and Redis are never published and sit only on ``internal: true`` networks; no ``protected-mode no``;
secrets are files (compose secrets read through ``…_FILE`` variables or ``$(cat /run/secrets/…)``):
no literal secret, and no ``${VAR}`` secret in an environment value, a URL or a command line either;
no fixed admin user name (Grafana's ``admin``); healthcheck, resource limits, log rotation (json-file
10m × 3) and a restart policy on every service; the app read-only with ``cap_drop: [ALL]`` and
no-new-privileges; PostgreSQL and Redis as a non-root user with ``cap_drop: [ALL]`` and no-new-privileges;
Redis with ``maxmemory 512mb``, ``allkeys-lru`` and a ``requirepass`` read from a secret file; no
privileged containers, no host networking.
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compose_model import env_mapping, iter_strings, load_merged, mask_refs

__all__ = ["Finding", "lint_config", "lint_files", "main"]

LOOPBACK = frozenset({"127.0.0.1", "::1", "[::1]", "localhost"})
REQUIRED_REF = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:\?[^}]*\}$")
#: A secret read from a mounted secret file by the container's own shell (never on a command line).
SECRET_FILE_READ = re.compile(r"^\$\$?\(cat /run/secrets/[A-Za-z0-9_.-]+\)$")
FILE_HINT = "secrets are files: use a compose secret (/run/secrets/<name>) and a _FILE variable"
SECRET_KEY = re.compile(r"(?i)(pass(word|wd)?|secret|token|api_?key|private_?key|auth)")
SECRET_FLAGS = frozenset({"--requirepass", "requirepass", "--masterauth", "masterauth", "--password", "-a", "--pass"})
ONE_SHOT_LABEL = "io.egov.one-shot"
ROLE_LABEL = "io.egov.role"


@dataclass(frozen=True)
class Finding:
    """One violated rule.

    Attributes:
        service: the service it concerns (None for file-level rules).
        rule: a stable slug, e.g. ``ports-not-loopback``.
        message: what is wrong and what to write instead.
    """

    service: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"service {self.service!r}: " if self.service else ""
        return f"{where}[{self.rule}] {self.message}"


def _labels(svc: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in env_mapping(svc.get("labels") or {}).items()}


def role_of(name: str, svc: dict[str, Any]) -> str:
    """The service's role: its ``io.egov.role`` label, but a PostgreSQL/Redis image always wins."""
    image = str(svc.get("image") or "").lower()
    if any(db in image for db in ("postgres", "pgvector", "postgis")):
        return "database"
    if any(c in image for c in ("redis", "valkey", "keydb")):
        return "cache"
    label = _labels(svc).get(ROLE_LABEL)
    if label:
        return label
    return "app" if name == "app" or name.startswith("app-") else "unknown"


def _is_one_shot(svc: dict[str, Any]) -> bool:
    return _labels(svc).get(ONE_SHOT_LABEL, "").lower() == "true"


def _parse_port(entry: Any) -> tuple[str, str, str]:
    """``(host_ip, published, target)``; host_ip ``0.0.0.0`` when none is given (all interfaces)."""
    if isinstance(entry, dict):
        return str(entry.get("host_ip") or "0.0.0.0"), str(entry.get("published") or ""), str(entry.get("target"))  # noqa: S104
    masked, refs = mask_refs(str(entry).split("/")[0])
    ip = "0.0.0.0"  # noqa: S104 - what Docker does with a port that names no address
    if masked.startswith("["):
        ip, _, masked = masked[1:].partition("]")
        masked = masked.lstrip(":")
    parts = masked.split(":")
    if len(parts) == 3:
        ip = parts[0] or ip
        parts = parts[1:]
    published, target = parts if len(parts) == 2 else ["", parts[0]]

    def unmask(s: str) -> str:
        return re.sub("\x00(\\d+)\x00", lambda m: refs[int(m.group(1))], s)

    return unmask(ip), unmask(published), unmask(target)


def _check_ports(name: str, svc: dict[str, Any], role: str, lan: bool) -> Iterator[Finding]:
    ports = [_parse_port(p) for p in svc.get("ports") or []]
    if svc.get("network_mode") == "host":
        yield Finding(
            name, "network-host", "network_mode: host publishes every port of the container; use egov-network"
        )
    if not ports:
        return
    if role in ("database", "cache"):
        yield Finding(
            name,
            "ports-db-published",
            f"{role} must never be published (found {svc['ports']}); the app reaches it on egov-network",
        )
        return
    if role == "reverse-proxy":
        for ip, pub, _ in ports:
            if pub not in ("80", "443"):
                yield Finding(name, "ports-proxy", f"a reverse proxy publishes only 80/443, not {ip}:{pub}")
        return
    if role not in ("app", "monitoring"):
        yield Finding(name, "ports-not-app", f"only the app publishes ports; remove ports {svc['ports']} from {name!r}")
        return
    seen: dict[str, set[str]] = {}
    for ip, pub, _ in ports:
        seen.setdefault(pub, set()).add(ip)
        if ip not in LOOPBACK and not (lan and role == "app"):
            yield Finding(
                name,
                "ports-not-loopback",
                f"port {pub or '(random)'} is published on {ip}, i.e. beyond this host; publish on "
                f'"127.0.0.1:{pub or "PORT"}:…" or use the explicit LAN override (x-egov-exposure: lan)',
            )
    for pub, ips in seen.items():
        if len(ips) > 1 and "0.0.0.0" in ips:  # noqa: S104
            yield Finding(
                name,
                "ports-conflict",
                f"port {pub} is bound on {sorted(ips)}: 0.0.0.0 overlaps the others and the container will "
                "not start (use `ports: !override` in the override file)",
            )


def _is_ref(value: str) -> bool:
    return bool(REQUIRED_REF.match(value.strip()))


def _from_file(value: Any) -> bool:
    return bool(SECRET_FILE_READ.match(("" if value is None else str(value)).strip().strip('"')))


def _secret_value_problem(value: Any) -> str | None:
    text = "" if value is None else str(value)
    if _is_ref(text) or _from_file(text):
        return None
    if re.match(r"^\$\{[^}]*:-", text):
        return "has a default value; a default password is a published password"
    if re.match(r"^\$\{[^}:?]*\}$", text):
        return "may silently be empty; write ${VAR:?message} so compose refuses to start without it"
    return "is a literal; write ${VAR:?message} and put the value in .env (egov init-env)"


def _check_url_passwords(name: str, where: str, text: str) -> Iterator[Finding]:
    masked, refs = mask_refs(text)
    for m in re.finditer(r"[A-Za-z][A-Za-z0-9+.-]*://([^/@\s]*)@", masked):
        _user, sep, password = m.group(1).partition(":")
        if not sep:
            continue
        real = re.sub("\x00(\\d+)\x00", lambda r: refs[int(r.group(1))], password)
        if not _is_ref(real):
            yield Finding(name, "literal-secret", f"{where}: the password in a URL {_secret_value_problem(real)}")
        else:
            yield Finding(name, "secret-not-file", f"{where}: a password in a URL from {real}; {FILE_HINT}")


def _check_tokens(name: str, where: str, tokens: list[str]) -> Iterator[Finding]:
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low in SECRET_FLAGS and i + 1 < len(tokens):
            problem = _secret_value_problem(tokens[i + 1])
            if problem:
                yield Finding(name, "literal-secret", f"{where}: the value of {tok} {problem}")
            elif not _from_file(tokens[i + 1]):
                yield Finding(name, "secret-not-file", f"{where}: {tok} puts a secret on a command line; {FILE_HINT}")
        key, eq, val = tok.partition("=")
        if eq and SECRET_KEY.search(key) and not key.upper().endswith("_FILE"):
            problem = _secret_value_problem(val)
            if problem:
                yield Finding(name, "literal-secret", f"{where}: {key}= {problem}")
            elif not _from_file(val):
                yield Finding(name, "secret-not-file", f"{where}: {key}= puts a secret on a command line; {FILE_HINT}")
        if low in ("protected-mode", "--protected-mode") and i + 1 < len(tokens) and tokens[i + 1].lower() == "no":
            yield Finding(
                name,
                "protected-mode-off",
                "Redis with protected-mode no accepts anyone who reaches it; keep --protected-mode yes",
            )


def _tokens(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        masked, refs = mask_refs(value)
        try:
            parts = shlex.split(masked)
        except ValueError:
            parts = masked.split()
        return [re.sub("\x00(\\d+)\x00", lambda r: refs[int(r.group(1))], p) for p in parts]
    return []


def _check_secrets(name: str, svc: dict[str, Any]) -> Iterator[Finding]:
    for key, value in env_mapping(svc.get("environment") or {}).items():
        if key.upper() == "POSTGRES_HOST_AUTH_METHOD":
            if str(value).lower() == "trust":
                yield Finding(name, "trust-auth", "POSTGRES_HOST_AUTH_METHOD=trust lets anyone in without a password")
            continue
        if SECRET_KEY.search(key) and not key.upper().endswith("_FILE"):
            problem = _secret_value_problem(value)
            if problem:
                yield Finding(name, "literal-secret", f"environment {key} {problem}")
            elif not _from_file(value):
                yield Finding(name, "secret-not-file", f"environment {key} holds a secret; {FILE_HINT}")
        if re.search(r"ADMIN_USER$", key.upper()) and value is not None:
            yield Finding(
                name,
                "fixed-admin-user",
                f"environment {key}={value}: a fixed admin name is half the password; read a random one "
                "from a secret file (…__FILE)",
            )
        yield from _check_url_passwords(name, f"environment {key}", "" if value is None else str(value))
    for field in ("command", "entrypoint"):
        tokens = [t for s in _tokens(svc.get(field)) for t in _tokens(s)]
        yield from _check_tokens(name, field, tokens)
        for tok in tokens:
            yield from _check_url_passwords(name, field, tok)
    hc = svc.get("healthcheck") or {}
    yield from _check_tokens(name, "healthcheck", [t for s in _tokens(hc.get("test")) for t in _tokens(s)])


def _mem_and_cpu(svc: dict[str, Any]) -> tuple[Any, Any]:
    limits = (((svc.get("deploy") or {}).get("resources") or {}).get("limits")) or {}
    return limits.get("memory") or svc.get("mem_limit"), limits.get("cpus") or svc.get("cpus")


def _check_operational(name: str, svc: dict[str, Any]) -> Iterator[Finding]:
    one_shot = _is_one_shot(svc)
    hc = svc.get("healthcheck")
    if not hc or not (hc.get("test") or (hc.get("disable") and one_shot)):
        yield Finding(
            name, "healthcheck", "no healthcheck (only a one-shot job labelled io.egov.one-shot may disable it)"
        )
    mem, cpu = _mem_and_cpu(svc)
    if not mem or not cpu:
        yield Finding(name, "resource-limits", "needs deploy.resources.limits with both memory and cpus")
    log = svc.get("logging") or {}
    opts = {k: str(v) for k, v in (log.get("options") or {}).items()}
    if log.get("driver") != "json-file" or opts.get("max-size") != "10m" or opts.get("max-file") != "3":
        yield Finding(
            name, "log-rotation", 'logging must be driver json-file with options max-size "10m", max-file "3"'
        )
    restart = str(svc.get("restart") or "")
    if restart not in ("unless-stopped", "always", "on-failure") and not (one_shot and restart == "no"):
        yield Finding(
            name, "restart-policy", f'restart is {restart or "unset"}; use unless-stopped ("no" only on a one-shot job)'
        )
    if svc.get("privileged"):
        yield Finding(name, "privileged", "privileged: true gives the container the whole host")


def _check_app(name: str, svc: dict[str, Any]) -> Iterator[Finding]:
    if svc.get("read_only") is not True:
        yield Finding(name, "app-read-only", "the app needs read_only: true (tmpfs /tmp for scratch space)")
    if "ALL" not in [str(c).upper() for c in svc.get("cap_drop") or []]:
        yield Finding(name, "app-cap-drop", "the app needs cap_drop: [ALL]")
    if not any(
        str(o).replace("=", ":").startswith("no-new-privileges") and not str(o).endswith("false")
        for o in svc.get("security_opt") or []
    ):
        yield Finding(name, "app-no-new-privileges", "the app needs security_opt: [no-new-privileges:true]")


def _check_backend(name: str, svc: dict[str, Any], role: str, networks: dict[str, Any]) -> Iterator[Finding]:
    """PostgreSQL and Redis: no capabilities, no privilege gain, not root, and no route out."""
    if "ALL" not in [str(c).upper() for c in svc.get("cap_drop") or []]:
        yield Finding(name, "backend-cap-drop", f"the {role} needs cap_drop: [ALL] (run it as its own user)")
    if not any(
        str(o).replace("=", ":").startswith("no-new-privileges") and not str(o).endswith("false")
        for o in svc.get("security_opt") or []
    ):
        yield Finding(name, "backend-no-new-privileges", f"the {role} needs security_opt: [no-new-privileges:true]")
    user = str(svc.get("user") or "").split(":")[0]
    if user in ("", "0", "root"):
        yield Finding(name, "backend-user", f"the {role} must run as its image's own user (user: postgres / redis)")
    attached = svc.get("networks") or ["default"]
    names = list(attached) if isinstance(attached, (list, dict)) else []
    public = [n for n in names if (networks.get(str(n)) or {}).get("internal") is not True]
    if public:
        yield Finding(
            name,
            "backend-network",
            f"the {role} is on {public}, which can reach the outside; put it only on an internal: true network",
        )


def _check_redis(name: str, svc: dict[str, Any]) -> Iterator[Finding]:
    tokens = [t for s in _tokens(svc.get("command")) for t in _tokens(s)]

    def after(flag: str) -> str | None:
        return tokens[tokens.index(flag) + 1] if flag in tokens and tokens.index(flag) + 1 < len(tokens) else None

    if (after("--maxmemory") or "").lower() != "512mb":
        yield Finding(name, "redis-maxmemory", "redis needs --maxmemory 512mb (a cache must be bounded)")
    if after("--maxmemory-policy") != "allkeys-lru":
        yield Finding(name, "redis-eviction", "redis needs --maxmemory-policy allkeys-lru (evict, never refuse writes)")
    command = " ".join(tokens)
    if not re.search(r"requirepass\b.*/run/secrets/", command):
        yield Finding(
            name,
            "redis-requirepass",
            "redis needs requirepass from a secret file (configuration on stdin: `redis-server -`)",
        )


def lint_config(config: dict[str, Any], *, lan: bool = False) -> list[Finding]:
    """Check a (merged) compose model.

    Args:
        config: the compose model, as :func:`compose_model.load_merged` returns it.
        lan: the set includes the explicit LAN override; the app may then publish beyond 127.0.0.1.

    Returns:
        Every violation found (empty when the configuration is clean).
    """
    findings: list[Finding] = []
    services = config.get("services") or {}
    networks = {str(k): v or {} for k, v in (config.get("networks") or {}).items()}
    if not services:
        return [Finding(None, "no-services", "no services defined")]
    for name, svc in services.items():
        svc = svc or {}
        role = role_of(name, svc)
        findings.extend(_check_ports(name, svc, role, lan))
        findings.extend(_check_secrets(name, svc))
        findings.extend(_check_operational(name, svc))
        if role == "app":
            findings.extend(_check_app(name, svc))
        if role in ("database", "cache"):
            findings.extend(_check_backend(name, svc, role, networks))
        if role == "cache":
            findings.extend(_check_redis(name, svc))
        # protected-mode may also hide in a config string or an odd spelling.
        if any(re.search(r"protected-mode\s+no\b", s, re.IGNORECASE) for s in iter_strings(svc)) and not any(
            f.rule == "protected-mode-off" and f.service == name for f in findings
        ):
            findings.append(Finding(name, "protected-mode-off", "protected-mode no must not appear anywhere"))
    return findings


def lint_files(paths: Sequence[Path]) -> list[Finding]:
    """Merge ``paths`` in order (like ``docker compose -f …``) and lint the result."""
    merged, raws = load_merged(paths)
    lan = any(str(raw.get("x-egov-exposure", "")).lower() == "lan" for raw in raws)
    return lint_config(merged, lan=lan)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: lint the given files merged in order; exit 1 on any violation."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if args else 2
    paths = [Path(a) for a in args]
    label = " + ".join(p.name for p in paths)
    findings = lint_files(paths)
    for f in findings:
        print(f"{label}: {f}")
    print(f"{label}: {'FAILED, ' + str(len(findings)) + ' violation(s)' if findings else 'ok'}")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
