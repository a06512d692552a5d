"""Checks test/Tools/mac-array.test's schedule and report against hand-computed figures."""
import json
import sys

CLOCK = 628e6  # targets/default.yaml
execution = json.load(open(sys.argv[1]))
report = json.load(open(sys.argv[2]))

ops = [(c["core"], o) for c in execution["cores"] for o in c["ops"]]
macs = [o for _, o in ops if o["op"] == "mac"]
assert [(o["what"], o["amount"], o["count"]) for o in macs] == \
    [("nn.matmul", 8192, 128)] * 2, macs
assert all(abs(o["each_s"] * CLOCK - 1) < 1e-9 for o in macs), macs
assert not [o for _, o in ops if o["op"] == "host"]
assert execution["per_inference"]["macs"] == 16384

stages = {s["layer"]: s for s in execution["stages"]}
with_macs = [s for s in execution["stages"] if s["mac_s"] > 0]
assert len(with_macs) == 2, with_macs
for s in with_macs:
    assert abs(s["mac_s"] * CLOCK - 128) < 1e-9, s
    parts = (s["compute_s"] + s["accumulate_s"] + s["sfu_s"] + s["mac_s"] +
             s["transfer_s"] + s["buffer_s"])
    assert abs(s["time_s"] - parts) < 1e-15, s
    assert s["bound"] == "mac", s

model = report["component_model"]
ge = 8 * 8 * 1.064 / 0.798 + 8 * 7 * 7 + (2 * 8 + 8) * (7 + 5)
ge_energy = 0.1e-12 / 32 / 7 * (22 / 45) * (0.85 / 0.9) ** 2  # vdd 0.85 V
assert abs(model["mac_energy_j"] / (ge * ge_energy) - 1) < 1e-6, model
assert abs(report["energy"]["components"]["mac_array"] /
           (16384 * model["mac_energy_j"]) - 1) < 1e-12
ge_area = 394 * 22e-9 ** 2
assert abs(model["mac_array_m2"] / (64 * ge * ge_area) - 1) < 1e-6, model
assert abs(report["area"]["components"]["mac_array"] /
           (144 * model["mac_array_m2"]) - 1) < 1e-12
layers = {l["name"]: l for l in report["layers"]}
for name, s in stages.items():
    assert layers[name]["time_components"]["mac_s"] == s["mac_s"]


# The energy by domain sums the components it names, and adds up.
parts = report["energy"]["components"]
domains = report["energy"]["domains"]
assert abs(domains["digital"] - (parts["digital_adds"] + parts["sfu"] +
                                 parts["mac_array"])) < 1e-24, domains
assert abs(domains["analog"] - (parts["cell_reads"] + parts["drivers"] +
                                parts["adcs"])) < 1e-24, domains
assert abs(sum(domains.values()) / report["energy"]["per_inference_j"] - 1) \
    < 1e-12, domains
print("ok")
