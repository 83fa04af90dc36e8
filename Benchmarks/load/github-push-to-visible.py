#!/usr/bin/env python3
"""GitHub push to visible: the time from a signed `push` webhook's 202 to the changed entity
being readable, through GitHub discovery (issue "Real sources").

It serves a fake GitHub REST API itself (organisation `acme` with REPOS repositories, each with a
catalog-info.yaml, etags and 304s), starts the given `callboard` binary with the integration
pointed at it, triggers the discovery's full sync, then for each of N pushes at a steady rate:
changes one repository's catalog file (a new title), posts GitHub's push payload for it (signed
with the webhook secret) and, from the 202, polls GET /entities/by-name until the new title shows.
The whole path runs: durable append, GitHubEventRouter republish to `github.push`, the discovery
provider's read of the file through the API (a real HTTP round trip), the delta mutation.

  github-push-to-visible.py CALLBOARD_BINARY [count] [rate-per-second] [repos]
"""
import hashlib
import hmac
import http.client
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

binary = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 500
rate = float(sys.argv[3]) if len(sys.argv) > 3 else 50.0
repos = int(sys.argv[4]) if len(sys.argv) > 4 else 20
secret = b"push-latency-secret"
files = {f"svc-{r}": f"v0-{r}" for r in range(repos)}  # repository -> current title
lock = threading.Lock()


def document(repository, title):
    return (f"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {repository}\n"
            f"  title: {title}\nspec: {{ type: service, lifecycle: production, owner: team-a }}\n")


class FakeGitHub(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/orgs/acme/repos":
            match = re.search(r"[?&]page=(\d+)", self.path)
            page = int(match.group(1)) if match else 1
            items = [{"name": name, "full_name": f"acme/{name}", "owner": {"login": "acme"},
                      "default_branch": "main", "archived": False} for name in sorted(files)] if page == 1 else []
            return self.answer(200, json.dumps(items).encode(), [("content-type", "application/json")])
        match = re.fullmatch(r"/repos/acme/([^/]+)/contents/catalog-info.yaml", path)
        if match and match.group(1) in files:
            with lock:
                body = document(match.group(1), files[match.group(1)]).encode()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("if-none-match") == etag:
                return self.answer(304, headers=[("etag", etag)])
            return self.answer(200, body, [("etag", etag), ("content-type", "application/vnd.github.raw")])
        self.answer(404, b'{"message":"Not Found"}')


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


fake = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeGitHub)
threading.Thread(target=fake.serve_forever, daemon=True).start()
work = tempfile.mkdtemp()
port = free_port()
with open(os.path.join(work, "app-config.yaml"), "w") as config:
    config.write(f"""
backend:
  listen: {{ host: 127.0.0.1, port: {port} }}
  database: {{ client: sqlite, connection: {{ directory: {work}/data }} }}
integrations:
  github: [{{ host: github.com, token: bench, apiBaseUrl: 'http://127.0.0.1:{fake.server_port}' }}]
events:
  modules:
    github: {{ webhookSecret: {secret.decode()} }}
catalog:
  providers:
    github:
      acme: {{ organization: acme, schedule: {{ frequency: {{ hours: 1 }}, timeout: {{ minutes: 1 }}, initialDelay: {{ hours: 1 }} }} }}
""")
log = open(os.path.join(work, "callboard.log"), "w")
server = subprocess.Popen([binary, "serve", "--config", os.path.join(work, "app-config.yaml")],
                          stderr=log, env={**os.environ, "LOG_LEVEL": os.environ.get("CALLBOARD_BENCH_LOG_LEVEL", "warning")})
try:
    callboard = None
    for _ in range(200):
        try:
            callboard = http.client.HTTPConnection("127.0.0.1", port)
            callboard.request("GET", "/.backstage/health/v1/readiness")
            response = callboard.getresponse()
            response.read()
            if response.status == 200:
                break
            time.sleep(0.1)
        except OSError:
            time.sleep(0.1)
    poller = http.client.HTTPConnection("127.0.0.1", port)

    def call(connection, method, path, body=None, headers=None):
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()

    status, answer = call(callboard, "POST", "/api/catalog/.backstage/scheduler/v1/tasks/github-provider:acme/trigger",
                          b"{}", {"content-type": "application/json"})
    assert status == 200, f"trigger answered {status}: {answer[:200]}"
    deadline = time.time() + 30
    while call(poller, "GET", f"/api/catalog/entities/by-name/component/default/svc-{repos - 1}")[0] != 200:
        if time.time() > deadline:
            raise SystemExit("the full sync did not bring the repositories in")
        time.sleep(0.05)

    template = json.load(open(os.path.join(os.path.dirname(__file__), "../../Tests/Fixtures/github/push.json")))
    latencies = []
    start = time.perf_counter()
    for i in range(count):
        slot = start + i / rate
        pause = slot - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        repository = f"svc-{i % repos}"
        title = f"v{i + 1}-{repository}"
        with lock:
            files[repository] = title
        payload = dict(template)
        payload["ref"] = "refs/heads/main"
        payload["repository"] = {**template["repository"], "name": repository, "full_name": f"acme/{repository}",
                                 "owner": {**template["repository"]["owner"], "login": "acme", "name": "acme"},
                                 "default_branch": "main"}
        commit = {"id": f"{i:040x}", "added": [], "removed": [], "modified": ["catalog-info.yaml"]}
        payload["commits"] = [commit]
        payload["head_commit"] = commit
        body = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        status, answer = call(callboard, "POST", "/api/events/http/github", body, {
            "content-type": "application/json", "x-github-event": "push", "x-github-delivery": f"bench-{i}",
            "x-hub-signature-256": signature})
        accepted = time.perf_counter()
        assert status == 202, f"ingress answered {status}: {answer[:200]}"
        while True:
            status, entity = call(poller, "GET", f"/api/catalog/entities/by-name/component/default/{repository}")
            if status == 200 and json.loads(entity)["metadata"].get("title") == title:
                latencies.append((time.perf_counter() - accepted) * 1000)
                break
            if time.perf_counter() - accepted > 10:
                raise SystemExit(f"push {i} not visible after 10 s")
    latencies.sort()

    def at(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    print(f"{count} pushes at {rate:g}/s over {repos} repositories: p50 {at(0.5):.2f} ms, p90 {at(0.9):.2f} ms, "
          f"p99 {at(0.99):.2f} ms, p99.9 {at(0.999):.2f} ms, max {latencies[-1]:.2f} ms")
finally:
    server.terminate()
    server.wait(timeout=15)
    fake.shutdown()
