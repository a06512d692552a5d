"""Drift lowers the expected accuracy monotonically; compensation helps.

Usage: check_drift.py SIMULATION_JSON
"""
import json
import sys

sim = json.load(open(sys.argv[1]))
points = sim["times"]
means = [p["accuracy_mean"] for p in points]
problems = []
if any(b > a for a, b in zip(means, means[1:])):
    problems.append(f"accuracy does not fall monotonically: {means}")
if not means[-1] < means[0]:
    problems.append(f"no loss from t0 to the last time: {means}")
last = points[-1]
if last["drift_compensated_mean"] is None or \
        not last["drift_compensated_mean"] > last["accuracy_mean"]:
    problems.append(f"compensation does not recover accuracy at the last "
                    f"time: {last['drift_compensated_mean']} vs "
                    f"{last['accuracy_mean']}")
errors = [p["layer_error"] for p in points]
for layer in range(len(sim["layers"])):
    if not errors[-1][layer] > errors[0][layer]:
        problems.append(f"layer {sim['layers'][layer]}: error does not grow")
for p in problems:
    print("error:", p, file=sys.stderr)
print("accuracy by time:", ", ".join(f"{100 * m:.2f} %" for m in means))
sys.exit(1 if problems else 0)
