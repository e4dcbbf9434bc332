"""The egov benchmark and evaluation report: ``python -m bench.run [--quick|--full]`` (``nox -s bench``).

One run on one machine measures HTTP (against the raw-ASGI ceiling and uvicorn as a peer), ingest,
scaling and retrieval quality, and writes ``bench/results/<timestamp>.json`` + ``.md`` + PNG plots.
Benchmarks inform, tests decide: nothing here fails on a missed target.
"""
