#!/usr/bin/python3
"""Checks an `nncc explore` output directory against itself.

explore.json: the schema's fields, one point per combination of the axes'
values in the sweep's order (last axis fastest), and Pareto flags equal to
the fronts recomputed here from the points' numbers.  explore.csv: the same
points and numbers.  explore.html: one plot per cost and a row per point.
Every swept parameter must change some point's results (an axis the
compile silently ignored would not).

Usage: check_explore.py OUT_DIR
Prints "ok: N points, fronts E/L/A" or fails with the first problem.
"""
import csv
import itertools
import json
import sys

COSTS = {"energy": "energy_j", "latency": "latency_s", "area": "area_m2"}
METRICS = ["float_accuracy", "quantized_accuracy", "accuracy_mean",
           "accuracy_ci95_low", "accuracy_ci95_high", "area_m2", "energy_j",
           "latency_s", "tops", "tops_per_w"]


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def front(points, key):
    ok = [p for p in points if "failure" not in p]
    on = set()
    for p in ok:
        beaten = any(q["accuracy_mean"] >= p["accuracy_mean"] and q[key] <= p[key]
                     and (q["accuracy_mean"] > p["accuracy_mean"] or q[key] < p[key])
                     for q in ok)
        if not beaten:
            on.add(p["index"])
    return on


def main(out):
    data = json.load(open(out + "/explore.json"))
    if data.get("schema") != "nncc-explore" or data.get("version") != 1:
        fail("schema/version")
    axes = data["axes"]
    points = data["points"]
    combos = list(itertools.product(*[a["values"] for a in axes]))
    if len(points) != len(combos):
        fail("%d points for %d combinations" % (len(points), len(combos)))
    for i, (p, combo) in enumerate(zip(points, combos)):
        if p["index"] != i:
            fail("point %d has index %d" % (i, p["index"]))
        settings = [p["settings"][a["key"]] for a in axes]
        if tuple(settings) != combo:
            fail("point %d settings %s, expected %s" % (i, settings, combo))
        if "failure" in p:
            continue
        for m in METRICS:
            if not isinstance(p.get(m), (int, float)):
                fail("point %d lacks %s" % (i, m))
        if not (0 <= p["accuracy_ci95_low"] <= p["accuracy_mean"]
                <= p["accuracy_ci95_high"] <= 1):
            fail("point %d interval" % i)
    fronts = {}
    for name, key in COSTS.items():
        fronts[name] = front(points, key)
        flagged = {p["index"] for p in points if name in p.get("pareto", [])}
        if flagged != fronts[name]:
            fail("%s front %s, recomputed %s" % (name, sorted(flagged),
                                                 sorted(fronts[name])))
        if not fronts[name] and any("failure" not in p for p in points):
            fail("empty %s front" % name)
    # Each axis changes something: two points that differ in it alone.
    ok = {tuple(p["settings"][a["key"]] for a in axes): p
          for p in points if "failure" not in p}
    for k, axis in enumerate(axes):
        if len(axis["values"]) < 2:
            continue
        changed = False
        for combo, p in ok.items():
            for v in axis["values"]:
                other = ok.get(combo[:k] + (v,) + combo[k + 1:])
                if other and other is not p and any(
                        other[m] != p[m] for m in METRICS):
                    changed = True
        if not changed:
            fail("sweeping %s changed no result" % axis["key"])
    rows = list(csv.reader(open(out + "/explore.csv")))
    header = rows[0]
    if header[:1 + len(axes)] != ["index"] + [a["key"] for a in axes]:
        fail("csv header %s" % header)
    if len(rows) - 1 != len(points):
        fail("csv has %d rows" % (len(rows) - 1))
    for row, p in zip(rows[1:], points):
        record = dict(zip(header, row))
        if "failure" in p:
            if record["failure"] != p["failure"]:
                fail("csv failure of point %d" % p["index"])
            continue
        for m in METRICS:
            if float(record[m]) != p[m]:
                fail("csv %s of point %d: %s vs %r" % (m, p["index"], record[m], p[m]))
        for name in COSTS:
            if record["pareto_" + name] != ("1" if name in p["pareto"] else "0"):
                fail("csv pareto_%s of point %d" % (name, p["index"]))
    html = open(out + "/explore.html").read()
    if html.count("<svg") != 3:
        fail("html has %d plots" % html.count("<svg"))
    if html.count("<tr") != len(points) + 1:
        fail("html table has %d rows" % (html.count("<tr") - 1))
    print("ok: %d points, fronts %d/%d/%d" % (
        len(points), len(fronts["energy"]), len(fronts["latency"]),
        len(fronts["area"])))


if __name__ == "__main__":
    main(sys.argv[1])
