"""Checks that nncc's PPA obeys physical laws on every bundled crossbar
target: each law changes one field of a target and states how the report
must move (a quantity that scales exactly, one that must grow or not grow,
figures that must not change at all).  A cost model fitted to references
rather than built from mechanisms breaks such laws somewhere; this finds
where, on chip descriptions the validation table does not cover.  Every
report, base and changed, also obeys the invariants of `invariants`.

Usage: ppa_laws.py NNCC MODEL TARGETS_DIR WORK_DIR [SEED COUNT]
With SEED and COUNT, also COUNT seeded random variants of the bundled
targets (target_variants.py's, those that compile).  Prints one line per
target with the laws it applied; exits 1 listing every broken law.
"""
import copy
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.dirname(__file__))
from target_variants import variant as random_variant  # noqa: E402

QUANTITY = re.compile(r"^\s*(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*(.*)$")
# Relative tolerance of "exactly": the figures are doubles summed in
# different orders.
EXACT = 1e-9


def scaled(value, factor):
    """A target quantity ("0.2 V", "1 GHz", 128) times factor, its unit kept."""
    if isinstance(value, (int, float)):
        return value * factor
    m = QUANTITY.match(str(value))
    assert m, value
    return f"{float(m.group(1)) * factor!r} {m.group(2)}".strip()


def get(report, path):
    node = report
    for key in path.split("."):
        node = node[key]
    return node


class Law:
    """One field changed by `edit` (a target dict -> True if it applies);
    `checks` are (kind, path[, factor]) against the base report:
    ("times", p, k): new = k x base; ("same", p): unchanged;
    ("up", p): strictly larger; ("not_up", p): not larger."""

    def __init__(self, name, edit, checks):
        self.name, self.edit, self.checks = name, edit, checks


def set_in(path, factor=None, value=None, unless=()):
    """An edit that scales (or sets) target[path]; it does not apply where
    the field is absent or one of `unless` (paths) is present."""
    keys = path.split(".")

    def edit(t):
        for other in unless:
            node = t
            for k in other.split("."):
                node = node.get(k) if isinstance(node, dict) else None
            if node is not None:
                return False
        node = t
        for k in keys[:-1]:
            node = node.get(k)
            if not isinstance(node, dict):
                return False
        if keys[-1] not in node:
            return False
        new = value(node[keys[-1]]) if value else scaled(node[keys[-1]],
                                                          factor)
        if new is None or new == node[keys[-1]] or (
                factor is not None and scaled(node[keys[-1]], 0) ==
                scaled(node[keys[-1]], 1)):
            return False
        node[keys[-1]] = new
        return True

    return edit


UNITS = {"s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9, "ps": 1e-12,
         "Hz": 1, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9}


def quantity(value):
    """A target quantity ("10 ns", "453 MHz") in base units."""
    m = QUANTITY.match(str(value))
    assert m and m.group(2) in UNITS, value
    return float(m.group(1)) * UNITS[m.group(2)]


def sensing_outlasts_pulse(t):
    """A current-sense converter timed by the clock whose columns take
    longer to sense than the read pulse lasts."""
    adc = t.get("periphery", {}).get("adc", {})
    if adc.get("type") != "current-sense" or \
            "adc_latency" in t.get("costs", {}) or \
            "read_pulse" not in t.get("device", {}):
        return False
    clock = quantity(t.get("technology", {}).get("clock", "1 GHz"))
    return adc.get("columns_per_adc", 1) / clock > \
        quantity(t["device"]["read_pulse"])


def each(*edits):
    """Every edit that applies; applies if one does."""
    return lambda t: sum(bool(e(t)) for e in edits) > 0


INFERENCE = ["energy.per_inference_j", "area.placed_m2",
             "area.bounding_box_m2", "performance.latency_s",
             "performance.interval_s"]

DYNAMIC = ("cell_reads", "drivers", "adcs", "digital_adds", "buffers", "sfu",
           "mac_array", "interconnect")

LAWS = [
    # Bit-hop energy is a per-bit constant of the network: the interconnect
    # energy is proportional to it and nothing else depends on it.
    Law("energy_per_bit_hop x2",
        set_in("chip.interconnect.energy_per_bit_hop", 2),
        [("times", "energy.components.interconnect", 2),
         ("same", "energy.components.cell_reads"),
         ("same", "energy.components.adcs"),
         ("same", "area.placed_m2"), ("same", "performance.latency_s")]),
    # Read noise, device spread and drift decide what a read returns, not
    # what it costs (programming is checked elsewhere: write-verify may
    # iterate more on a noisier device).
    Law("read noise, spread and drift x2",
        each(set_in("device.statistics.read_noise_sigma", 2),
             set_in("device.statistics.device_to_device_sigma", 2),
             set_in("device.statistics.drift.nu_mean", 2)),
        [("same", p) for p in INFERENCE]),
    # A cell read draws V_read^2 G t (current mode) or recharges its bit
    # line by C V_read dV with dV proportional to V_read (voltage sensing,
    # whose precharge device switches at vdd whatever V_read): quadratic in
    # the read voltage at most; the converters, adders and network do not
    # see it.
    Law("read_voltage x2 (current mode)",
        set_in("device.read_voltage", 2, unless=["periphery.read_circuit"]),
        [("times", "energy.components.cell_reads", 4),
         ("same", "energy.components.adcs"),
         ("same", "energy.components.digital_adds"),
         ("same", "energy.components.interconnect"),
         ("same", "area.placed_m2")]),
    Law("read_voltage x2 (voltage sensing)",
        lambda t: t.get("periphery", {}).get("read_circuit") == "voltage"
        and set_in("device.read_voltage", 2)(t),
        [("up", "energy.components.cell_reads"),
         ("at_most", "energy.components.cell_reads", 4),
         ("same", "energy.components.adcs"),
         ("same", "energy.components.digital_adds"),
         ("same", "energy.components.interconnect"),
         ("same", "area.placed_m2")]),
    # One more ADC bit: a costlier, larger converter.
    Law("adc bits + 1",
        lambda t: not t.get("periphery", {}).get("sense_amplifiers")
        and set_in("periphery.adc.bits", value=lambda b: b + 1,
                   unless=["costs.adc_energy", "costs.adc_area"])(t),
        [("up", "component_model.adc_energy_j"),
         ("up", "component_model.adc_m2"),
         ("up", "energy.components.adcs"),
         ("up", "area.components.adcs")]),
    # Digital switching energy is C V^2: a higher supply costs more per add
    # and per buffered bit, and the same area.
    Law("vdd x1.25", set_in("technology.vdd", 1.25),
        [("up", "component_model.add_energy_j"),
         ("up", "component_model.buffer_energy_per_bit_j"),
         ("same", "area.placed_m2")]),
    # A faster clock never makes an inference slower.
    Law("clock x2", set_in("technology.clock", 2),
        [("not_up", "performance.latency_s"),
         ("not_up", "performance.interval_s"),
         # A link carries its bandwidth in bandwidth / clock wires: only
         # the network's area follows the clock.
         ] + [("same", "area.components." + c) for c in
              ("arrays", "adcs", "drivers", "accumulators", "adder_trees",
               "write_periphery", "buffers", "global_buffer")]),
    # A longer read pulse never makes an inference faster, nor a cell read
    # cheaper.
    Law("read_pulse x2", set_in("device.read_pulse", 2),
        [("not_up", "performance.throughput_per_s"),
         ("not_up", "performance.tops"),
         ("not_up", "-energy.components.cell_reads"),
         ("same", "area.placed_m2")]),
    # A current-sense converter senses while the rows are driven, and a
    # cell conducts only while it is sensed: where a full tile's
    # conversions outlast the read pulse, a shorter pulse costs the same
    # and times those tiles the same (a tile with fewer columns than ADCs
    # x columns_per_adc senses for less, so its pulse may still count).
    Law("read_pulse / 2 inside current sensing",
        lambda t: sensing_outlasts_pulse(t) and set_in(
            "device.read_pulse", 0.5)(t),
        [("same", "energy.components.cell_reads"),
         ("same", "energy.components.adcs"),
         ("same", "area.placed_m2"),
         ("not_up", "performance.latency_s"),
         ("not_up", "performance.interval_s")]),
    # A smaller node draws the same logic smaller and switches it with less
    # charge (targets that state a converter's cost keep that figure).
    Law("node 22 -> 14 nm",
        set_in("technology.node",
               value=lambda n: "14 nm" if scaled(n, 1) == "22.0 nm" else None),
        [("up", "-component_model.add_energy_j"),
         ("up", "-area.components.accumulators"),
         ("up", "-area.components.drivers")]),
    # Reading half the rows at a time: twice the conversions, no faster.
    Law("rows_in_parallel / 2",
        set_in("array.rows_in_parallel",
               value=lambda r: r // 2 if r >= 2 else None),
        [("up", "energy.components.adcs"),
         ("not_up", "performance.tops")]),
    # Half the conductance of every level (twice the on-resistance at the
    # same on/off ratio): half the current, so half the cell-read energy in
    # current mode; nothing else moves.
    Law("conductances / 2 (current mode)",
        lambda t: "read_circuit" not in t.get("periphery", {}) and each(
            set_in("device.r_on", 2),
            set_in("device.g_max", 0.5),
            set_in("device.g_min", 0.5))(t),
        [("times", "energy.components.cell_reads", 0.5),
         ("same", "energy.components.adcs"),
         ("same", "energy.components.digital_adds"),
         ("same", "area.placed_m2"), ("same", "performance.latency_s")]),
    # One more input bit, one bit per cycle: one more cycle of reads and
    # conversions per vector.
    Law("input bits + 1 (bit-serial)",
        lambda t: t.get("periphery", {}).get("input", {}).get("encoding") ==
        "bit-serial" and t["periphery"]["input"].get("dac_bits") == 1
        and set_in("periphery.input.bits",
                   value=lambda b: b + 1 if b < 16 else None)(t),
        [("up", "energy.components.adcs"),
         ("up", "energy.components.cell_reads"),
         ("not_up", "performance.tops"),
         ("same", "area.components.arrays")]),
    # Programming costs its pulses: energy per pulse scales the programming
    # energy and nothing of an inference.
    Law("programming energy_per_pulse x2",
        set_in("device.programming.energy_per_pulse", 2),
        [("times", "programming.energy_j", 2),
         ("same", "programming.time_s")] + [("same", p) for p in INFERENCE]),
    Law("programming pulse_width x2",
        set_in("device.programming.pulse_width", 2),
        [("up", "programming.time_s")] + [("same", p) for p in INFERENCE]),
    # A larger core buffer: more area, no cheaper access.
    Law("core buffer x2", set_in("core.buffer", 2),
        [("up", "area.components.buffers"),
         ("not_up", "-component_model.buffer_energy_per_bit_j")]),
    # A slower hop never speeds an inference up, and costs no more
    # switching (the leakage runs longer).
    Law("hop_latency x4", set_in("chip.interconnect.hop_latency", 4),
        [("not_up", "performance.tops"),
         ("not_up", "-energy.components.static")] +
        [("same", "energy.components." + c) for c in DYNAMIC]),
    # Twice the columns per converter: half the converters, the same
    # conversions, no faster.
    Law("columns_per_adc x2",
        lambda t: 2 * t.get("periphery", {}).get("adc", {}).get(
            "columns_per_adc", 1 << 30) <= t["array"]["cols"]
        and set_in("periphery.adc.columns_per_adc", 2)(t),
        [("not_up", "area.components.adcs"),
         ("same", "energy.components.adcs"),
         ("not_up", "performance.tops")]),
    # Running sums per weight instead of per column: the same reads,
    # conversions and timing; only the digital accumulation's registers,
    # adders and adds change (fewer, wider registers: smaller or larger by
    # the slices per weight, so no direction is a law).
    Law("running_sums: weight",
        lambda t: t.get("periphery", {}).get("shift_add", True) is True
        and "running_sums" not in t.get("periphery", {})
        and bool(t["periphery"].__setitem__("running_sums", "weight") or 1),
        [("same", "performance.latency_s"),
         ("same", "performance.interval_s"),
         ("same", "energy.components.cell_reads"),
         ("same", "energy.components.adcs"),
         ("same", "energy.components.drivers"),
         ("same", "area.components.adcs"),
         ("same", "area.components.arrays")]),
]


def invariants(report):
    """What every report obeys, whatever the target: the sums are their
    parts (nothing counted twice or dropped), the outline holds the blocks,
    and efficiency is throughput over power.  Returns the broken ones."""
    area, energy, perf = report["area"], report["energy"], report["performance"]

    def same(a, b):
        return abs(a - b) <= EXACT * max(abs(a), abs(b), 1e-300)

    broken = []
    if not same(area["placed_m2"], sum(area["components"].values())):
        broken.append("placed area is not the sum of its components")
    if not same(energy["per_inference_j"], energy["group_spill_j"] +
                sum(energy["components"].values())):
        broken.append("energy per inference is not its components + spills")
    if area["bounding_box_m2"] < area["placed_m2"] * (1 - EXACT):
        broken.append("the bounding box is smaller than the placed blocks")
    if perf["power_w"] > 0 and not same(perf["tops_per_w"],
                                        perf["tops"] / perf["power_w"]):
        broken.append("TOPS/W is not TOPS over power")
    return broken


def compile_target(nncc, model, target, out):
    run = subprocess.run([nncc, "compile", model, "--target", target, "-o",
                          out, "--time-multiplex"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return None, (run.returncode, run.stderr.strip().splitlines()[-1:])
    with open(os.path.join(out, "report.json")) as f:
        return json.load(f), None


def check(kind, path, factor, base, new):
    sign = -1.0 if path.startswith("-") else 1.0
    path = path.lstrip("-")
    a, b = sign * get(base, path), sign * get(new, path)
    if kind == "times":
        ok = abs(b - factor * a) <= EXACT * max(abs(b), abs(factor * a), 1e-300)
    elif kind == "same":
        ok = abs(b - a) <= EXACT * max(abs(a), abs(b), 1e-300)
    elif kind == "up":
        ok = b > a * (1 + EXACT) if a > 0 else b > a + EXACT * abs(a)
    elif kind == "at_most":
        ok = b <= factor * a * (1 + EXACT)
    else:  # not_up
        ok = b <= a + EXACT * abs(a)
    what = {"times": f"x{factor}", "same": "unchanged", "up": "grows",
            "not_up": "does not grow", "at_most": f"at most x{factor}"}[kind]
    return ok, f"{'-' if sign < 0 else ''}{path} {what}: {a * sign:.6g} -> " \
               f"{b * sign:.6g}"


def main():
    nncc, model, targets_dir, work = sys.argv[1:5]
    targets = sorted(t for t in glob.glob(os.path.join(targets_dir, "*.yaml"))
                     if not re.search(r"^neuromorphic:", open(t).read(), re.M))
    if len(sys.argv) > 6:
        rng = random.Random(int(sys.argv[5]))
        bundled, made = list(targets), 0
        while made < int(sys.argv[6]):
            text, _ = random_variant(open(rng.choice(bundled)).read(), rng)
            path = os.path.join(work, f"variant{made}.yaml")
            with open(path, "w") as f:
                f.write(text)
            if compile_target(nncc, model, path,
                              os.path.join(work, "probe"))[0] is not None:
                targets.append(path)
                made += 1
            shutil.rmtree(os.path.join(work, "probe"), ignore_errors=True)
    broken = []
    for path in targets:
        name = os.path.basename(path)[:-len(".yaml")]
        with open(path) as f:
            target = yaml.safe_load(f)
        base, error = compile_target(nncc, model, path,
                                     os.path.join(work, name))
        if base is None:
            broken.append(f"{name}: does not compile: {error}")
            continue
        broken += [f"{name}: {b}" for b in invariants(base)]
        applied = []
        for i, law in enumerate(LAWS):
            changed = copy.deepcopy(target)
            if not law.edit(changed) or changed == target:
                continue
            variant = os.path.join(work, f"{name}.law{i}.yaml")
            with open(variant, "w") as f:
                yaml.safe_dump(changed, f, sort_keys=False)
            new, error = compile_target(nncc, model, variant,
                                        os.path.join(work, f"{name}.law{i}"))
            if new is None:
                # A law may take a random variant's field out of its range
                # (a sigma above 1): a located refusal is not a break.
                if error[0] != 1 or "variant" not in name:
                    broken.append(f"{name}, {law.name}: does not compile: "
                                  f"{error}")
                continue
            applied.append(law.name)
            broken += [f"{name}, {law.name}: {b}" for b in invariants(new)]
            for c in law.checks:
                kind, p = c[0], c[1]
                ok, said = check(kind, p, c[2] if len(c) > 2 else None, base,
                                 new)
                if not ok:
                    broken.append(f"{name}, {law.name}: {said}")
        print(f"{name}: {len(applied)} laws")
    for b in broken:
        print("broken:", b)
    print(f"{len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
