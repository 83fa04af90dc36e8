#!/usr/bin/env python3
"""Webhook-to-visible latency: the time from a Frobs webhook's 202 to its entity being readable.

For each of N events at a steady rate: put one frob into a new source of the (embedded) Frobs
simulator without a webhook, post the `add` webhook to Callboard ourselves, and from its 202 poll
GET /api/catalog/entities/by-name/component/default/<frob> until it answers 200. The whole path
runs: durable append, FrobsEventRouter republish, FrobsProvider read over HTTP, delta mutation.

  webhook-to-visible.py CALLBOARD_PORT SIMULATOR_PORT [count] [rate-per-second]
"""
import http.client
import json
import sys
import time

callboard_port, simulator_port = int(sys.argv[1]), int(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
rate = float(sys.argv[4]) if len(sys.argv) > 4 else 50.0

callboard = http.client.HTTPConnection("127.0.0.1", callboard_port)
poller = http.client.HTTPConnection("127.0.0.1", callboard_port)
simulator = http.client.HTTPConnection("127.0.0.1", simulator_port)


def request(connection, method, path, body=None):
    headers = {"content-type": "application/json"} if body is not None else {}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return response.status, data


run = str(int(time.time()))
latencies = []
polls = 0
start = time.perf_counter()
for i in range(count):
    slot = start + i / rate
    pause = slot - time.perf_counter()
    if pause > 0:
        time.sleep(pause)
    source = f"lat-{run}-{i}"
    frob = f"lat-frob-{run}-{i}"
    status, _ = request(simulator, "PUT", f"/sources/{source}?notify=false",
                        json.dumps({"frobs": [{"name": frob, "owner": "team-latency"}]}))
    assert status in (200, 201), f"simulator answered {status}"
    status, body = request(callboard, "POST", "/api/events/http/frobs",
                           json.dumps({"type": "add", "id": source}))
    accepted = time.perf_counter()
    assert status == 202, f"ingress answered {status}: {body[:200]}"
    while True:
        polls += 1
        status, _ = request(poller, "GET", f"/api/catalog/entities/by-name/component/default/{frob}")
        if status == 200:
            latencies.append((time.perf_counter() - accepted) * 1000)
            break
        if time.perf_counter() - accepted > 10:
            raise SystemExit(f"event {i} not visible after 10 s")

latencies.sort()


def percentile(p):
    return latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))]


elapsed = time.perf_counter() - start
print(f"events: {len(latencies)} at {len(latencies) / elapsed:.1f}/s (target {rate:g}/s); polls per event: {polls / len(latencies):.1f}")
print(f"webhook 202 -> visible: p50 {percentile(50):.2f} ms, p90 {percentile(90):.2f} ms, "
      f"p99 {percentile(99):.2f} ms, p99.9 {percentile(99.9):.2f} ms, max {latencies[-1]:.2f} ms")
