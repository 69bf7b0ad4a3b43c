"""Benchmark: the web app (`sra serve`) on the 50,000-risk workspace.

    python bench/web_bench.py [--size enterprise] [--seed 42] [--repeat 30] [--users 20]
                              [--duration 60] [--saves 5]

Server time, in this process through Django's full middleware stack (session, MFA,
permissions, audit trail) on SQLite:
- the first dashboard of a content version (load, lint, scores, sign-off, OCR, calendar);
- the dashboard warm; a filtered register page of 50 (full page and htmx partial); a risk;
- the peer of the register page in the same run: the same filter done the way a view without
  the precomputed table would do it (score every row, filter, sort, slice per request);
- saving a record as the edit page does: `record_state`, then `apply_changes` with the
  record's digest and a git commit (validate, write, commit).
Then the real server: `sra serve` (waitress) in a subprocess on loopback, 20 signed-in users
for 60 s, each asking for dashboards, filtered register pages, risks and findings back to
back: requests, p50/p95/max latency, errors, and the server's peak RSS (VmHWM).
Budgets (from the issue): dashboard warm < 300 ms, register page < 200 ms, save < 500 ms.
Results go to bench/results/web-<size>-<seed>.json.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from run import ensure_workspace

BENCH = Path(__file__).parent
TODAY = date(2026, 3, 1)
BUDGETS_MS = {
    "dashboard warm": 300.0,
    "register page (filtered, 50 rows)": 200.0,
    "save a risk (validate, write, commit)": 500.0,
}
QUERIES = (
    "level=high&sort=-score",
    "level=moderate&status=planned&page=3",
    "status=in_progress&sort=due&page=2",
    "overdue=on&sort=due",
    "level=high&status=planned&overdue=on&sort=-reviewed",
    "sort=id&page=400",
    "status=none&sort=asset&page=5",
    "level=low&sort=-inherent&page=10",
)
"""Register filters the timings cycle through (each one a different selection)."""


def git(cwd: Path, *args: str) -> None:
    """Run git with a fixed identity."""
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=Bench",
            "-c",
            "user.email=bench@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def prepare(source: Path, into: Path) -> Path:
    """A git repository holding a copy of the workspace (saves commit into it)."""
    repo = into / "repo"
    shutil.copytree(source, repo / "sra")
    (repo / ".gitignore").write_text(".sra_web/\n.sra_cache/\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "The generated workspace")
    return repo / "sra"


def timings(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Milliseconds of each of `repeat` calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(samples: list[float]) -> dict[str, float]:
    """Median, p95 and max of millisecond samples."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median": round(statistics.median(ordered), 1),
        "p95": round(p95, 1),
        "max": round(ordered[-1], 1),
        "n": len(ordered),
    }


def configure(workspace: Path) -> Any:
    """Django configured on the workspace's own state directory, as `sra serve` would use it."""
    from hipaa_sra.web.app import configure as configure_app
    from hipaa_sra.web.app import migrate
    from hipaa_sra.web.config import WebConfig
    from hipaa_sra.web.state import ensure_state_dir, load_or_create_secret_key

    state = ensure_state_dir(workspace / ".sra_web")
    config = WebConfig(
        workspace=workspace,
        secret_key=load_or_create_secret_key(state),
        today=TODAY,
        allowed_hosts=("testserver", "127.0.0.1", "localhost"),
    )
    configure_app(config)
    migrate()
    return config


def signed_in_client(name: str, person: str | None) -> Any:
    """A Django test client signed in with both factors as a new user linked to `person`."""
    from django.contrib.auth.models import User
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hipaa_sra.web.models import Account

    user = User.objects.create_user(name, f"{name}@example.com", "bench-password-" + "x" * 20)
    Account.objects.create(user=user, person_id=person or "")
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def get(client: Any, url: str, **headers: str) -> Any:
    """GET that must answer 200."""
    response = client.get(url, **headers)
    if response.status_code != 200:
        raise SystemExit(f"GET {url}: {response.status_code}")
    return response


def naive_register_page(ws: Any, level: str) -> list[Any]:
    """The peer: one filtered page computed per request from the loaded workspace."""
    from hipaa_sra.scoring import score_risks

    rows = [s for s in score_risks(ws) if s.residual is not None and s.residual.value == level]
    return rows[50:100]


def in_process(
    workspace: Path, repeat: int, saves: int
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Server times through the Django stack; returns results, session keys and risk ids."""
    from hipaa_sra.editing import Commit, Ref, Set, apply_changes, record_state
    from hipaa_sra.web.workspace import current_workspace

    configure(workspace)
    ws_people = current_workspace().manifest
    person = ws_people.people[0] if ws_people and ws_people.people else None
    editor = signed_in_client("bench-editor", person.id if person else None)
    results: dict[str, Any] = {}
    start = time.perf_counter()
    get(editor, "/")
    results["dashboard, first of a version (load, lint, score, sign-off, OCR, calendar)"] = {
        "seconds": round(time.perf_counter() - start, 1)
    }
    print(f"  {results}", file=sys.stderr)
    version = current_workspace()
    risks = version.workspace.risks
    ids = [risk.id for risk in risks[:: max(1, len(risks) // 97)] if risk.id]
    queries = itertools.cycle(QUERIES)
    get(editor, "/register/")  # the table of this version, built once (counted below)
    results["dashboard warm"] = summary(timings(lambda: get(editor, "/"), repeat))
    results["register page (filtered, 50 rows)"] = summary(
        timings(lambda: get(editor, f"/register/?{next(queries)}"), repeat)
    )
    results["register table partial (htmx)"] = summary(
        timings(lambda: get(editor, f"/register/?{next(queries)}", HTTP_HX_REQUEST="true"), repeat)
    )
    pick = itertools.cycle(ids)
    results["risk page"] = summary(
        timings(lambda: get(editor, f"/register/risk/{next(pick)}"), repeat)
    )
    results["findings page (errors, page 3)"] = summary(
        timings(lambda: get(editor, "/findings/?severity=error&page=3"), repeat)
    )
    results["peer: register page scored per request (no table)"] = summary(
        timings(lambda: naive_register_page(version.workspace, "high"), max(3, repeat // 10))
    )
    keys = [signed_in_client(f"bench-user-{n}", None).session.session_key for n in range(20)]
    root = workspace
    author = Commit(
        person.name if person else "Bench",
        person.email if person and person.email else "bench@example.com",
    )
    targets = iter(ids)

    def save() -> None:
        ref = Ref("risks", next(targets))
        state = record_state(root, ref)
        assert state is not None
        apply_changes(
            root,
            [Set(ref, ("last_reviewed",), TODAY)],
            expected_records={ref: state.digest},
            commit=author,
        )

    results["save a risk (validate, write, commit)"] = summary(timings(save, saves))
    return results, keys, ids


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    """VmHWM of a process: the most resident memory it ever held."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def request(conn: http.client.HTTPConnection, url: str, cookie: str) -> int:
    """One GET on a kept-alive connection; the status."""
    conn.request("GET", url, headers={"Cookie": f"sra_session={cookie}", "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    return response.status


def concurrent(
    workspace: Path, keys: list[str], ids: list[str], users: int, duration: float
) -> dict[str, Any]:
    """The real server under `users` signed-in users asking back to back for `duration` s."""
    port = free_port()
    sra = str(Path(sys.executable).parent / "sra")
    server = subprocess.Popen(
        [
            sra,
            "serve",
            "--workspace",
            str(workspace),
            "--port",
            str(port),
            "--today",
            TODAY.isoformat(),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.time() + 900
        warm_start = time.perf_counter()
        while True:  # the first request loads and lints the version the saves left
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
                if (
                    request(conn, "/", keys[0]) == 200
                    and request(conn, "/register/", keys[0]) == 200
                ):
                    break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    err = server.stderr.read().decode() if server.stderr else ""
                    raise SystemExit(f"sra serve did not answer:\n{err[-2000:]}") from None
                time.sleep(0.5)
        warm = time.perf_counter() - warm_start
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.perf_counter() + duration

        def user(n: int) -> None:
            rng = random.Random(n)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            while time.perf_counter() < stop:
                url = rng.choice(
                    [
                        "/",
                        f"/register/?{rng.choice(QUERIES)}",
                        f"/register/risk/{rng.choice(ids)}",
                        f"/findings/?severity=warning&page={rng.randint(1, 50)}",
                    ]
                )
                start = time.perf_counter()
                try:
                    status = request(conn, url, keys[n % len(keys)])
                except (OSError, http.client.HTTPException) as exc:
                    status, conn = -1, http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    with lock:
                        errors.append(f"{url}: {exc}")
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(elapsed)
                    if status not in (-1, 200):
                        errors.append(f"{url}: HTTP {status}")

        threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result = {
            "users": users,
            "seconds": duration,
            "requests": len(latencies),
            "requests per second": round(len(latencies) / duration, 1),
            "latency ms": summary(latencies),
            "errors": len(errors),
            "first errors": errors[:5],
            "server warm-up seconds": round(warm, 1),
            "server peak RSS MB": peak_rss_mb(server.pid),
        }
        return result
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    """Run both parts, print a table, write the JSON, exit 1 when a budget is missed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", default="enterprise")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--data", type=Path, default=BENCH / "data")
    parser.add_argument("--results", type=Path, default=BENCH / "results")
    args = parser.parse_args()
    source, _ = ensure_workspace(args.data.resolve(), args.size, args.seed, False)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = prepare(source, Path(tmp))
        print("in-process server times ...", file=sys.stderr)
        results, keys, ids = in_process(workspace, args.repeat, args.saves)
        print(f"{args.users} users on `sra serve` for {args.duration:.0f} s ...", file=sys.stderr)
        results["concurrent"] = concurrent(workspace, keys, ids, args.users, args.duration)
    results["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    args.results.mkdir(parents=True, exist_ok=True)
    out = args.results / f"web-{args.size}-{args.seed}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    missed = []
    print("| measurement | median ms | p95 ms | max ms | n |\n|---|---:|---:|---:|---:|")
    for name, value in results.items():
        if isinstance(value, dict) and "median" in value:
            print(
                f"| {name} | {value['median']} | {value['p95']} | {value['max']} | {value['n']} |"
            )
            if name in BUDGETS_MS and value["median"] > BUDGETS_MS[name]:
                missed.append(name)
    print(json.dumps({k: v for k, v in results.items() if "median" not in v}, indent=2))
    print(f"results: {out}")
    if missed:
        print(f"over budget: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
