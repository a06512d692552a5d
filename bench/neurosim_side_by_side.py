"""The NeuroSim section of docs/validation.md: NeuroSim V1.4 re-run on the
published configurations (bench/neurosim_v14_runs.json, written by
bench/rerun_neurosim.py) beside the published table and nncc, figure by
figure and in NeuroSim's own breakdown categories.

nncc's report.json components are grouped into NeuroSim's categories:
  area    arrays | ADCs | accumulation (shift-add registers, accumulators,
          adder trees) | interconnect (routers, links) | other (drivers,
          column mux, write periphery, buffers, SFU; NeuroSim's decoders,
          mux, switch matrices, buffers, pooling and activation)
  energy  converters and array: nncc's cell reads, converters and drivers
          (word-line wires and gates), as NeuroSim counts its sense
          amplifiers (whose fitted power includes the column current) with
          its lines' charge (SubArray.cpp readDynamicEnergyADC) |
          accumulation | interconnect | other (NeuroSim's switch matrices,
          mux, decoders and buffers; nncc's buffers and SFU) | leakage
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = os.path.join(HERE, "neurosim_v14_runs.json")

# NeuroSim main.cpp multiplies its energy by this post-layout factor
# (Param.cpp zeta = 1.22) before it prints TOPS/W.
ZETA = 1.22

AREA_GROUPS = {
    "arrays": ("arrays",),
    "ADCs": ("adcs",),
    "accumulation": ("accumulators", "adder_trees"),
    "interconnect": ("routers", "links", "off_chip_links"),
}
ENERGY_GROUPS = {
    "ADCs and array": ("cell_reads", "adcs", "drivers"),
    "accumulation": ("digital_adds",),
    "interconnect": ("interconnect", "off_chip_links"),
    "leakage": ("static",),
}


def load_runs():
    with open(RUNS) as f:
        return json.load(f)


def fmt(x):
    """The number format of every figure in docs/validation.md."""
    return f"{x:.4g}"


def _grouped(components, groups, total):
    """report.json components (SI units) summed into `groups`, in the
    table's units (x 1e6: mm², µJ); what no group names is "other"."""
    out = {name: sum(components.get(k, 0) for k in keys) * 1e6
           for name, keys in groups.items()}
    out["other"] = total * 1e6 - sum(out.values())
    return out


def _nncc_area(report):
    area = report["area"]
    placed = area["placed_m2"]
    return (_grouped(area["components"], AREA_GROUPS, placed), placed * 1e6,
            area["bounding_box_m2"] * 1e6)


def _neurosim_area(run):
    c = {k: v / 1e6 for k, v in run["area_components_um2"].items()}
    groups = {"arrays": c["arrays"], "ADCs": c["adcs"],
              "accumulation": c["accumulation"],
              "interconnect": c["interconnect"], "other": c["other"]}
    return groups, sum(groups.values()), run["area_um2"] / 1e6


def _nncc_energy(report):
    energy = report["energy"]
    total = energy["per_inference_j"]
    return _grouped(energy["components"], ENERGY_GROUPS, total), total * 1e6


def _neurosim_energy(run):
    e = {k: v / 1e6 for k, v in run["energy_components_pj"].items()}
    ic = run["interconnect_energy_pj"] / 1e6
    groups = {"ADCs and array": e["adc"],
              "accumulation": e["accumulation"], "interconnect": ic,
              "leakage": run["leakage_energy_pj"] / 1e6,
              "other": e["other"] - ic}
    return groups, sum(groups.values())


def render(references, measured):
    """measured: reference id -> (figures dict, report.json) for the
    NeuroSim references that were compiled."""
    data = load_runs()
    runs = data["runs"]
    # (reference, NeuroSim's run, nncc's figures, nncc's report.json)
    compared = [(ref, runs[ref["id"]], *measured[ref["id"]])
                for ref in references
                if ref["id"] in runs and ref["id"] in measured]
    lines = [
        "## NeuroSim V1.4 re-run, side by side", "",
        f"`bench/rerun_neurosim.py` re-ran {data['neurosim']} on each "
        f"configuration with {data['traces']} traces and the released "
        "Param.cpp, whose `levelOutput = 32` is a 5-bit sense amplifier: "
        "its area and TOPS reproduce the published table, whose \"4-bit "
        "ADC\" is therefore not what its PPA columns ran; nncc's targets "
        "state 5 bits.  Its TOPS/W differs from the table's by the traces "
        "(the table's came from the trained model, whose activations are "
        "sparser).  NeuroSim's figures are copied from its printout "
        "(`bench/neurosim_v14_runs.json`); its TOPS/W divides by "
        f"{ZETA} x its energy (main.cpp, Param.cpp zeta).", "",
        "| configuration | metric | published | NeuroSim re-run | nncc | "
        "nncc vs re-run |",
        "|---|---|---|---|---|---|",
    ]
    keys = (("area_mm2", "area, bounding box (mm²)",
             lambda r: r["area_um2"] / 1e6),
            ("tops", "TOPS", lambda r: r["tops"]),
            ("tops_per_w", "TOPS/W", lambda r: r["tops_per_w"]))
    for ref, run, got, _ in compared:
        for key, name, of_run in keys:
            lines.append(
                f"| {ref['id']} | {name} | {fmt(ref['figures'][key])} | "
                f"{fmt(of_run(run))} | {fmt(got[key])} | "
                f"{(got[key] / of_run(run) - 1) * 100:+.1f} % |")

    area_cols = ["arrays", "ADCs", "accumulation", "interconnect", "other"]
    lines += ["", "Area (mm²) in NeuroSim's categories (its chip summary):",
              "", "| configuration | model | " + " | ".join(area_cols) +
              " | sum of blocks | bounding box |",
              "|---|---|" + "---|" * (len(area_cols) + 2)]
    energy_cols = ["ADCs and array", "accumulation", "interconnect",
                   "other", "leakage"]
    energy = ["", "Energy per inference (µJ) in NeuroSim's categories (its "
              "chip breakdown; its interconnect taken out of its \"other "
              "peripheries\"; before zeta):", "",
              "| configuration | model | " + " | ".join(energy_cols) +
              " | total |", "|---|---|" + "---|" * (len(energy_cols) + 1)]
    latency = ["", "Pipeline interval (µs): the slowest stage's time per "
               "inference.  NeuroSim's layer time adds its arrays, buffers "
               "and interconnect (Chip.cpp); its layer copies are its own "
               "floorplan's (speed-up per layer).", "",
               "| configuration | model | interval | slowest layer | "
               "its buffer | its interconnect | copies per layer |",
               "|---|---|---|---|---|---|---|"]
    for ref, run, _, report in compared:
        for model, (groups, placed, box) in (
                ("NeuroSim", _neurosim_area(run)),
                ("nncc", _nncc_area(report))):
            lines.append(f"| {ref['id']} | {model} | " +
                         " | ".join(fmt(groups[c]) for c in area_cols) +
                         f" | {fmt(placed)} | {fmt(box)} |")
        for model, (groups, total) in (("NeuroSim", _neurosim_energy(run)),
                                       ("nncc", _nncc_energy(report))):
            energy.append(f"| {ref['id']} | {model} | " +
                          " | ".join(fmt(groups[c]) for c in energy_cols) +
                          f" | {fmt(total)} |")
        slowest = max(range(len(run["layers"])),
                      key=lambda i: run["layers"][i]["latency_ns"])
        layer = run["layers"][slowest]
        latency.append(
            f"| {ref['id']} | NeuroSim | {fmt(run['interval_ns'] / 1e3)} | "
            f"layer {slowest + 1} | {fmt(layer['buffer_latency_ns'] / 1e3)} "
            f"| {fmt(layer['ic_latency_ns'] / 1e3)} | "
            f"{', '.join(map(str, run['copies_per_layer']))} |")
        stages = report["layers"]
        slow = max(stages, key=lambda s: s["time_s"])
        parts = slow["time_components"]
        latency.append(
            f"| {ref['id']} | nncc | "
            f"{fmt(report['performance']['interval_s'] * 1e6)} | "
            f"{slow['name']} | {fmt(parts['buffer_s'] * 1e6)} | "
            f"{fmt(parts['transfer_s'] * 1e6)} | "
            f"{', '.join(str(s['replicas']) for s in stages)} |")
    return lines + energy + latency
