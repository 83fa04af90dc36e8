#!/usr/bin/env python3
"""Draws the scaling curves of Benchmarks/results/reads.csv (written by reads.sh with several
catalog sizes) into a PNG: full-mutation time and each read route's p50/p99 against the number
of entities, on linear axes so that linear growth reads as a straight line.

  plot-scaling.py [reads.csv] [scaling.png]      # needs matplotlib (pip install matplotlib)
"""
import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

source = sys.argv[1] if len(sys.argv) > 1 else "Benchmarks/results/reads.csv"
target = sys.argv[2] if len(sys.argv) > 2 else "docs/images/scaling.png"
series = defaultdict(list)
for row in csv.DictReader(open(source)):
    series[row["measure"]].append((int(row["entities"]), float(row["p50_ms"] or 0), float(row["p99_ms"] or 0)))

figure, (writes, reads) = plt.subplots(1, 2, figsize=(13, 5))
for measure in ("full mutation initial", "full mutation unchanged"):
    points = sorted(series.get(measure, []))
    if points:
        writes.plot([p[0] for p in points], [p[1] / 1000 for p in points], marker="o", label=measure)
writes.set_title("Full mutation (SQLite)")
writes.set_xlabel("entities")
writes.set_ylabel("seconds")
writes.legend()
writes.grid(True, alpha=0.3)

for measure, points in sorted(series.items()):
    if measure.startswith("full mutation") or measure.startswith("peak RSS"):
        continue
    points.sort()
    # p50: the route's own cost. On a shared machine p99 mostly shows what else was running;
    # the table beside the chart keeps both.
    reads.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=f"{measure} (p50)")
reads.set_title("Read routes over HTTP, p50 (one connection)")
reads.set_xlabel("entities")
reads.set_ylabel("milliseconds")
reads.set_yscale("log")
reads.legend(fontsize=7)
reads.grid(True, alpha=0.3)
figure.tight_layout()
figure.savefig(target, dpi=110)
print(f"written: {target}")
