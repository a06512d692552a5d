"""Prints, for two report.json files of one model (a one-phase and a
four-phase compile of the same chip), the ratio four / one of each energy
component, the interval and the latency, and the shift-and-add width
difference, one per line, for FileCheck.

Usage: compare_read_modes.py ONE/report.json FOUR/report.json
"""
import json
import sys

one, four = (json.load(open(p)) for p in sys.argv[1:3])
for name, a in sorted(one["energy"]["components"].items()):
    b = four["energy"]["components"][name]
    if a > 0:
        print(f"energy {name} x{b / a:.4g}")
for key in ("interval_s", "latency_s"):
    a, b = one["performance"][key], four["performance"][key]
    print(f"{key} x{b / a:.4g}")
print("shift_add_bits +%d" % (four["component_model"]["shift_add_bits"] -
                              one["component_model"]["shift_add_bits"]))
