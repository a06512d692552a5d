"""Checks out/accuracy_budget.json: the chosen candidate (its network scheme
and per-layer knobs) is within the budget and the cheapest by energy among
those that are, and mapping.json's layers use its schemes, weight bits and
rows per read.
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
own = {k["layer"]: k["scheme"] for k in cheapest["layers"] if "scheme" in k}
for layer in mapping["layers"]:
    scheme = own.get(layer["name"], cheapest["scheme"]).replace("-", "_")
    assert layer["scheme"].replace("-", "_") == scheme, (layer, scheme)
for knob in cheapest["layers"]:
    layer = next(l for l in mapping["layers"] if l["name"] == knob["layer"])
    for key, field in (("weight-bits", "weight_bits"),
                       ("rows-in-parallel", "rows_in_parallel")):
        if key in knob:
            assert layer[field] == int(knob[key]), (layer, knob)
print("ok:", search["chosen"], cheapest["layers"])
