"""``nox -s faults``: the attack and fault suite against a real stack (Granian as ``egov serve`` runs it,
PostgreSQL, a private redis-server), one table row per attack: requests, 5xx, timeouts, worst latency,
server RSS before / after, verdict. ``--quick`` is the smoke version the default test run uses."""
