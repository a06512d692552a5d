"""Checks nncc compile reports: report.json against
docs/schemas/nncc-report.schema.json (and that per-layer and per-component
sums equal the totals), report.html self-contained (no script, no external reference).

Usage: check_report.py SCHEMA OUT_DIR...
"""
import json
import math
import re
import sys

import jsonschema


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-30)


def main():
    schema = json.load(open(sys.argv[1]))
    for out in sys.argv[2:]:
        report = json.load(open(f"{out}/report.json"))
        jsonschema.validate(report, schema)
        energy = report["energy"]
        parts = sum(energy["components"].values())
        assert close(parts + energy["group_spill_j"], energy["per_inference_j"]), out
        layers = sum(l["energy_j"] for l in report["layers"])
        assert close(layers, parts), (out, layers, parts)
        area = report["area"]
        assert close(sum(area["components"].values()), area["placed_m2"]), out
        html = open(f"{out}/report.html").read()
        assert html.startswith("<!DOCTYPE html>") and html.endswith("</html>\n"), out
        bad = re.findall(r"<script|<link|<img|src=|url\(|https?://", html)
        assert not bad, (out, bad)
    print(f"ok: {len(sys.argv) - 2} reports")


if __name__ == "__main__":
    main()
