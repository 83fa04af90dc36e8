#!/usr/bin/env python3
"""A large streamed full sync with webhooks arriving meanwhile (issue "Performance"): peak RSS of
the server at N entities, and webhook ingress latency while the sync runs against the same
ingress measured just before it (the baseline, same run).

The script serves a paged Frobs environment itself (N frobs, 1,000 per page, each page naming the
next), starts Callboard with a `frobs` provider on it, measures ingress alone for a few seconds
(RATE webhooks/s of 1 KiB, four connections), triggers the full sync, and keeps the same ingress
load going until the sync's run has ended. It samples the server's RSS four times a second and
reads its peak (VmHWM) at the end.

  sync-under-load.py CALLBOARD_BINARY [entities] [rate-per-second]     # default 250000 at 200/s
"""
import http.client
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

binary = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 250_000
rate = float(sys.argv[3]) if len(sys.argv) > 3 else 200.0
per_page = 1000
pages = (count + per_page - 1) // per_page
teams = [f"team-{i:02d}" for i in range(50)]
lifecycles = ["production", "production", "experimental", "deprecated"]
tags = ["java", "go", "python", "typescript", "rust", "kotlin", "data", "web", "grpc", "rest"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


upstream_port, callboard_port = free_port(), free_port()


class Pages(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        try:
            page = int(self.path.rsplit("page=", 1)[1])
        except (IndexError, ValueError):
            page = 0
        if not 1 <= page <= pages:
            self.send_error(404)
            return
        start = (page - 1) * per_page
        frobs = [{
            "name": f"frob-{i:06d}", "owner": teams[i % 50], "lifecycle": lifecycles[i % 4],
            "title": f"Frob {i}", "system": f"system-{i % 200:03d}",
            "description": f"Synthetic frob {i}, served by the sync-under-load benchmark's paged upstream.",
            "tags": [tags[i % 10], tags[(i + 3) % 10], tags[(i + 7) % 10]],
        } for i in range(start, min(start + per_page, count))]
        following = f"http://127.0.0.1:{upstream_port}/envs/bench/data?page={page + 1}" if page < pages else None
        body = json.dumps({"frobs": frobs, "next": following}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


upstream = http.server.ThreadingHTTPServer(("127.0.0.1", upstream_port), Pages)
threading.Thread(target=upstream.serve_forever, daemon=True).start()

work = tempfile.mkdtemp(prefix="callboard-sync-load-")
config = os.path.join(work, "app-config.yaml")
with open(config, "w") as f:
    f.write(f"""backend:
  listen: {{ host: 127.0.0.1, port: {callboard_port} }}
  database: {{ client: sqlite, connection: {{ directory: {work} }} }}
  reading:
    allow: [{{ host: '127.0.0.1:{upstream_port}' }}]
events:
  http:
    topics: [bench]
catalog:
  providers:
    frobs:
      bench:
        url: http://127.0.0.1:{upstream_port}/envs/{{env}}/data?page=1
        eventUrl: http://127.0.0.1:{upstream_port}/sources/{{id}}/data
        schedule: {{ frequency: {{ hours: 1 }}, timeout: {{ minutes: 30 }}, initialDelay: {{ hours: 1 }} }}
""")
log = open(os.path.join(work, "callboard.log"), "w")
server = subprocess.Popen([binary, "serve", "--config", config], stderr=log, env={**os.environ, "LOG_LEVEL": "warning"})


def request(connection, method, path, body=None):
    headers = {"content-type": "application/json"} if body is not None else {}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return 0.0


try:
    control = None
    for _ in range(600):
        try:
            control = http.client.HTTPConnection("127.0.0.1", callboard_port, timeout=60)
            if request(control, "GET", "/.backstage/health/v1/readiness")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        raise SystemExit("callboard did not start")

    payload = json.dumps({"data": "x" * 1000})

    def ingress(seconds=None, until=None):
        """RATE webhooks/s over four connections until `seconds` pass or `until()` is true."""
        latencies, errors = [], [0]
        lock = threading.Lock()
        stop = threading.Event()

        def sender(offset):
            connection = http.client.HTTPConnection("127.0.0.1", callboard_port, timeout=30)
            start = time.perf_counter()
            i = 0
            while not stop.is_set():
                slot = start + (i * 4 + offset) / rate
                i += 1
                pause = slot - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                sent = time.perf_counter()
                try:
                    code, _ = request(connection, "POST", "/api/events/http/bench", payload)
                except OSError:
                    code = 0
                    connection = http.client.HTTPConnection("127.0.0.1", callboard_port, timeout=30)
                with lock:
                    if code == 202:
                        latencies.append((time.perf_counter() - sent) * 1000)
                    else:
                        errors[0] += 1

        threads = [threading.Thread(target=sender, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        began = time.perf_counter()
        rss = []
        while True:
            time.sleep(0.25)
            rss.append(status(server.pid, "VmRSS:"))
            if seconds is not None and time.perf_counter() - began >= seconds:
                break
            if until is not None and until():
                break
        stop.set()
        for t in threads:
            t.join()
        latencies.sort()
        return latencies, errors[0], time.perf_counter() - began, rss

    def pct(values, p):
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")

    def task_state():
        _, body = request(control, "GET", "/api/catalog/.backstage/scheduler/v1/tasks")
        return json.loads(body)["tasks"][0]["taskState"]

    base, base_errors, base_elapsed, _ = ingress(seconds=5)
    rss_before = status(server.pid, "VmRSS:")
    code, body = request(control, "POST", "/api/catalog/.backstage/scheduler/v1/tasks/frobs-bench/trigger")
    assert code == 200, f"trigger answered {code}: {body[:200]}"
    sync_start = time.perf_counter()

    def finished():
        state = task_state()
        return state.get("status") == "idle" and state.get("lastRunEndedAt") is not None

    during, during_errors, sync_elapsed, rss = ingress(until=finished)
    state = task_state()
    _, body = request(control, "GET", "/api/catalog/entities/by-query?limit=1&filter=spec.type=frob")
    total = json.loads(body).get("totalItems")
    peak = status(server.pid, "VmHWM:")
finally:
    server.terminate()
    server.wait(timeout=60)
    upstream.shutdown()

if state.get("lastRunError"):
    raise SystemExit(f"the full sync failed: {state['lastRunError']}")
if total != count:
    raise SystemExit(f"expected {count} entities after the sync, found {total}")
print(f"full sync of {count} frobs ({pages} pages, streamed): {sync_elapsed:.1f} s ({count / sync_elapsed:,.0f} entities/s)")
print(f"RSS: {rss_before:.0f} MiB before the sync, {max(rss or [0]):.0f} MiB highest sampled during it, "
      f"peak (VmHWM) {peak:.0f} MiB")
print(f"ingress before the sync: {len(base)} accepted in {base_elapsed:.1f} s, p50 {pct(base, 50):.2f} ms, "
      f"p99 {pct(base, 99):.2f} ms, max {base[-1] if base else float('nan'):.2f} ms, errors {base_errors}")
print(f"ingress during the sync: {len(during)} accepted in {sync_elapsed:.1f} s, p50 {pct(during, 50):.2f} ms, "
      f"p99 {pct(during, 99):.2f} ms, max {during[-1] if during else float('nan'):.2f} ms, errors {during_errors}")
if base and during:
    print(f"p99 during ÷ p99 before: {pct(during, 99) / pct(base, 99):.2f}")
if base_errors or during_errors:
    raise SystemExit("ingress errors")
