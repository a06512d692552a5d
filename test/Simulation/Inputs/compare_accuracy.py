"""Checks that every simulated instance's accuracy equals `nncc run`'s.

Usage: compare_accuracy.py RUN_OUTPUT SIMULATION_JSON
RUN_OUTPUT holds `accuracy: 89.80% (449/500)`; the simulation must report
exactly 449/500 for every instance and as its quantized accuracy.
"""
import json
import re
import sys

text = open(sys.argv[1]).read()
m = re.search(r"accuracy: [0-9.]+% \((\d+)/(\d+)\)", text)
correct, total = int(m.group(1)), int(m.group(2))
sim = json.load(open(sys.argv[2]))
expected = correct / total
problems = []
if sim["images"] != total:
    problems.append(f"{sim['images']} images simulated, run used {total}")
if sim["quantized_accuracy"] != expected:
    problems.append(f"quantized accuracy {sim['quantized_accuracy']} != {expected}")
for point in sim["times"]:
    for a in point["accuracy"]:
        if a != expected:
            problems.append(f"instance accuracy {a} != {expected}")
    if any(e != 0 for e in point["layer_error"]):
        problems.append(f"layer errors {point['layer_error']} are not 0")
for p in problems:
    print("error:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
