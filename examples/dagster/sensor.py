"""A Dagster sensor that asks baselinr which tables need profiling and requests one run per table.

The core (``fetch_plan``, ``plan_from_cli``, ``tables_needing_work``, ``run_requests``, ``profile_tables``) uses
only the Python standard library, so it can be tested and reused without Dagster; ``build_sensor`` imports
Dagster when it is called. See README.md in this folder for the wiring.
"""
from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

#: Decisions that scan data (SPEC §9); ``skip`` and ``defer`` need no run.
NEEDS_WORK = ("full", "partial", "sample")
TOKEN_ENV = "BASELINR_SERVE_TOKEN"


class BaselinrError(RuntimeError):
    """baselinr answered with an error (the server's ``{"error": ...}`` or the CLI's stderr)."""

    def __init__(self, message: str, status: Optional[int] = None):
        super().__init__(message)
        self.status = status


def _request(url: str, token: Optional[str], data: Optional[bytes], timeout: float) -> Any:
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return json.loads(res.read().decode("utf-8"))
    except urllib.error.HTTPError as err:
        # The server's errors are {"error": message}; surface that rather than "HTTP Error 400".
        try:
            message = json.loads(err.read().decode("utf-8")).get("error", err.reason)
        except (ValueError, AttributeError):
            message = err.reason
        raise BaselinrError(f"{url}: {err.code} {message}", err.code) from None


def fetch_plan(url: str, token: Optional[str] = None, tables: Optional[Sequence[str]] = None, timeout: float = 120.0) -> dict:
    """``GET {url}/plan`` on ``baselinr serve`` (read-only on the server side)."""
    query = f"?{urllib.parse.urlencode({'tables': ','.join(tables)})}" if tables else ""
    return _request(f"{url.rstrip('/')}/plan{query}", token, None, timeout)


def plan_from_cli(config: Optional[str] = None, tables: Optional[Sequence[str]] = None,
                  executable: Any = "baselinr", timeout: float = 600.0) -> dict:
    """``baselinr plan --format json``, for deployments without a server. ``executable`` may be a list, e.g.
    ``["npx", "baselinr"]``."""
    exe = [executable] if isinstance(executable, str) else list(executable)
    args = exe + (["-c", config] if config else []) + ["--format", "json", "plan"]
    if tables:
        args += ["--tables", ",".join(tables)]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise BaselinrError(f"{exe[0]} not found: install baselinr or pass executable=") from None
    if done.returncode != 0:
        raise BaselinrError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


def tables_needing_work(plan_json: Any) -> list:
    """The plan entries whose decision is full, partial or sample. Accepts the plan as a dict or JSON text."""
    plan = json.loads(plan_json) if isinstance(plan_json, (str, bytes)) else plan_json
    if not isinstance(plan, Mapping) or not isinstance(plan.get("tables"), list):
        raise ValueError("not a baselinr plan document: expected an object with a 'tables' list")
    return [t for t in plan["tables"] if t.get("decision") in NEEDS_WORK]


def run_key(entry: Mapping[str, Any]) -> str:
    """One run per table per snapshot. ``last_profiled_at`` is part of the key so that a table whose snapshot did
    not change but is due again (``ttl_expired``) gets a fresh run once the previous one has succeeded."""
    return f"{entry['table']}@{entry.get('snapshot_id') or 'unknown'}#{entry.get('last_profiled_at') or 'never'}"


def run_requests(plan: Any) -> list:
    """Plain-dict run requests (``run_key``, ``tags``, the plan entry): what the sensor turns into RunRequests."""
    out = []
    for e in tables_needing_work(plan):
        tags = {"baselinr/table": e["table"], "baselinr/decision": e["decision"], "baselinr/reason": e.get("reason", "")}
        out.append({"run_key": run_key(e), "tags": tags, "table": e["table"], "entry": dict(e)})
    return out


def profile_tables(url: str, tables: Sequence[str], token: Optional[str] = None, full: bool = False,
                   wait_seconds: float = 3600.0, timeout: float = 3600.0) -> dict:
    """``POST {url}/profile`` for the given tables. The server runs one profile at a time and answers 409 while
    busy; several Dagster runs started by one sensor tick will collide, so this waits its turn (bounded)."""
    body = json.dumps({"tables": list(tables), **({"full": True} if full else {})}).encode("utf-8")
    deadline = time.monotonic() + wait_seconds
    delay = 1.0
    while True:
        try:
            return _request(f"{url.rstrip('/')}/profile", token, body, timeout)
        except BaselinrError as err:
            if err.status != 409 or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 30.0)


def build_sensor(job: Any, url: Optional[str] = None, config: Optional[str] = None, token: Optional[str] = None,
                 tables: Optional[Sequence[str]] = None, name: str = "baselinr_plan_sensor",
                 minimum_interval_seconds: int = 300,
                 run_config: Optional[Callable[[Mapping[str, Any]], dict]] = None) -> Any:
    """A Dagster sensor over ``GET {url}/plan`` (or ``baselinr plan`` with ``config`` when ``url`` is None).

    ``run_config(entry)`` maps a plan entry to the job's run config, e.g. the table name for the op's config.
    The token defaults to $BASELINR_SERVE_TOKEN, read at each evaluation so rotating it needs no redeploy.
    """
    import dagster  # only here: everything above works without Dagster installed

    @dagster.sensor(job=job, name=name, minimum_interval_seconds=minimum_interval_seconds)
    def _sensor(context: Any) -> Iterable[Any]:
        if url:
            plan = fetch_plan(url, token or os.environ.get(TOKEN_ENV), tables)
        else:
            plan = plan_from_cli(config, tables)
        requests = run_requests(plan)
        if not requests:
            yield dagster.SkipReason(f"baselinr: nothing to profile ({json.dumps(plan.get('summary', {}))})")
            return
        for r in requests:
            context.log.info(f"baselinr: {r['table']} needs {r['tags']['baselinr/decision']} ({r['tags']['baselinr/reason']})")
            yield dagster.RunRequest(run_key=r["run_key"], tags=r["tags"],
                                     run_config=run_config(r["entry"]) if run_config else {})

    return _sensor


if __name__ == "__main__":
    # `python sensor.py URL` or `python sensor.py --config baselinr.yml`: print the run requests a tick would make.
    import sys

    argv = sys.argv[1:]
    if not argv or argv[:1] == ["--config"] and len(argv) < 2:
        sys.exit("usage: sensor.py URL | sensor.py --config baselinr.yml")
    doc = plan_from_cli(argv[1]) if argv[:1] == ["--config"] else fetch_plan(argv[0], os.environ.get(TOKEN_ENV))
    json.dump(run_requests(doc), sys.stdout, indent=2)
    sys.stdout.write("\n")
