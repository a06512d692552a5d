"""Checks out/accuracy_budget.json: the chosen candidate (its network scheme
and per-layer schemes) is within the budget and the cheapest by energy among
those that are, and mapping.json's layers use its schemes.
Usage: check_accuracy_budget.py accuracy_budget.json mapping.json BUDGET"""
import json
import sys

search = json.load(open(sys.argv[1]))
mapping = json.load(open(sys.argv[2]))
budget = float(sys.argv[3])
assert search["schema"] == "nncc-accuracy-budget" and search["version"] == 1
within = []
for c in search["candidates"]:
    drop = 100 * (c["float_accuracy"] - c["accuracy_ci95_low"])
    assert c["within_budget"] == (drop <= budget + 1e-9), c
    if c["within_budget"]:
        within.append(c)
assert within, search
cheapest = min(within, key=lambda c: c["energy_j"])
assert search["chosen"] == cheapest["scheme"], (search["chosen"], cheapest)
assert search["chosen_layers"] == cheapest["layers"], (search, cheapest)
own = {k["layer"]: k["scheme"] for k in cheapest["layers"]}
for layer in mapping["layers"]:
    scheme = own.get(layer["name"], cheapest["scheme"]).replace("-", "_")
    assert layer["scheme"].replace("-", "_") == scheme, (layer, scheme)
print("ok:", search["chosen"], own)
