#!/usr/bin/python3
"""Re-run DNN+NeuroSim V1.4 on the five configurations of its published VGG-8
table and record what it prints (bench/neurosim_v14_runs.json).

Why: the figures nncc is validated against (../shared/reference/peers.md, the
V1.4 manual's Table VII, "generated on 9/27/23") say "4-bit ADC", but the
released Param.cpp has levelOutput = 32, a 5-bit multi-level sense amplifier,
and the table's area and TOPS are reproduced to four digits only with that
default.  This script is the evidence, and the runs give a per-layer and
per-component breakdown to compare nncc's against.

Not part of CI: it needs a NeuroSim checkout (CC BY-NC 4.0, not vendored;
https://github.com/neurosim/DNN_NeuroSim_V1.4, commit ac828e6 was used) and
takes ~3 minutes of one core per configuration.  Nothing of NeuroSim's code is
copied here: the checkout is built in a scratch directory, with its own
Param.cpp edited in two assignments (memcelltype, technode).

Traces: NeuroSim reads each layer's weights and bit-serial inputs from CSV
files its PyTorch wrapper writes (utee/hook.py).  This writes the same format
from a seeded generator: weights uniform on the 8-bit grid in [-1, 1),
activations uniform 7-bit non-negative codes (post-ReLU).  The published
table used the trained model's traces, which are sparser: area and TOPS do
not depend on them, energy does.

Usage: bench/rerun_neurosim.py NEUROSIM_CHECKOUT [--out FILE] [--jobs N]
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BITS = 8  # weight and activation precision of the published table
LEVEL_OUTPUT = 32  # the released Param.cpp's sense-amplifier levels (5 bits)

# NeuroSim's names of its breakdown categories, as it prints them.
ADC = r"ADC \(or S/As and precharger for SRAM\)"
ACCUMULATION = (r"Accumulation Circuits \(subarray level: adders, shiftAdds; "
                r"PE/Tile/Global level: accumulation units\)")

# (name, memcelltype, technode, rows read in parallel); levelOutput stays the
# released LEVEL_OUTPUT.  Names are nncc's targets for the same configuration.
CONFIGS = [
    ("neurosim-rram-22nm-pr32", 2, 22, 32),
    ("neurosim-rram-22nm-pr64", 2, 22, 64),
    ("neurosim-sram-22nm-pr32", 1, 22, 32),
    ("neurosim-sram-22nm-pr64", 1, 22, 64),
    ("neurosim-sram-5nm-pr32", 1, 5, 32),
]


def write_traces(network_csv, out, seed):
    """Weight and input CSVs for each layer of network_csv, as hook.py
    writes them: weights [K*K*C, N]; inputs [K*K*C, patches*BITS], bits of
    each activation MSB first."""
    rng = np.random.default_rng(seed)
    files = []
    with open(network_csv) as f:
        layers = [list(map(int, line.split(","))) for line in f
                  if line.strip()]
    for i, (h, w, c, k, _, n, _pool, _stride) in enumerate(layers):
        rows = k * k * c
        patches = h * w if k > 1 else 1
        scale = 2 ** (BITS - 1)
        weights = np.clip(np.round(rng.uniform(-1, 1, (rows, n)) * scale),
                          -scale, scale - 1) / scale
        wpath = os.path.join(out, f"weight{i}.csv")
        np.savetxt(wpath, weights, delimiter=",", fmt="%10.5f")
        codes = rng.integers(0, scale, (rows, patches))
        bits = np.zeros((rows, patches * BITS), dtype=np.uint8)
        for b in range(BITS):
            bits[:, b::BITS] = (codes >> (BITS - 1 - b)) & 1
        ipath = os.path.join(out, f"input{i}.csv")
        np.savetxt(ipath, bits, delimiter=",", fmt="%d")
        files += [wpath, ipath]
    return files


def set_assignment(text, name, value):
    """Replace `name = <number>;` once; fail loudly if Param.cpp changed."""
    pattern = re.compile(r"(^\s*" + name + r"\s*=\s*)[0-9.e+-]+;", re.M)
    text, count = pattern.subn(lambda m: f"{m.group(1)}{value};", text,
                               count=1)
    if count != 1:
        sys.exit(f"error: Param.cpp has no '{name} = ...;' to set")
    return text


def number(pattern, log):
    m = re.search(pattern + r"\s*:?\s*([0-9.e+-]+)", log)
    return float(m.group(1)) if m else None


def parse(log):
    layers = []
    for m in re.finditer(r"-+ Estimation of Layer (\d+) -+", log):
        start = m.end()
        nxt = log.find("Estimation of Layer", start)
        block = log[start:nxt if nxt > 0 else len(log)]
        n = m.group(1)
        layers.append({
            "latency_ns": number(rf"layer{n}'s readLatency is", block),
            "energy_pj": number(rf"layer{n}'s readDynamicEnergy is", block),
            "buffer_latency_ns": number(rf"layer{n}'s buffer latency is",
                                        block),
            "ic_latency_ns": number(rf"layer{n}'s ic latency is", block),
            "adc_latency_ns": number(ADC + r" readLatency is", block),
            "accumulation_latency_ns": number(
                ACCUMULATION + r" readLatency is", block),
        })
    summary = log[log.find("Summary"):]
    speedup = re.search(r"Speed-up of each layer -+\n(.*?)\n\n", log, re.S)
    return {
        "area_um2": number(r"ChipArea", summary),
        "area_components_um2": {
            "arrays": number(r"Chip total CIM array", summary),
            "interconnect": number(r"Total IC Area on chip \(Global and "
                                   r"Tile/PE local\)", summary),
            "adcs": number(r"Total " + ADC + r" Area on chip", summary),
            "accumulation": number(r"Total " + ACCUMULATION + r" on chip",
                                   summary),
            "other": number(r"Other Peripheries \(e.g. decoders, mux, "
                            r"switchmatrix, buffers, pooling and activation "
                            r"units\)", summary),
        },
        # The chip-level breakdown NeuroSim prints after its summary; its
        # "other" includes the interconnect and buffers, given apart below.
        "energy_components_pj": {
            "adc": number(ADC + r" readDynamicEnergy is", summary),
            "accumulation": number(ACCUMULATION + r" readDynamicEnergy is",
                                   summary),
            "other": number(r"Other Peripheries \(e.g. decoders, mux, "
                            r"switchmatrix, buffers, IC, pooling and "
                            r"activation units\) readDynamicEnergy is",
                            summary),
        },
        "interconnect_energy_pj": number(r"Chip pipeline-system ic "
                                         r"readDynamicEnergy \(per image\) is",
                                         summary),
        "buffer_energy_pj": number(r"Chip pipeline-system buffer "
                                   r"readDynamicEnergy \(per image\) is",
                                   summary),
        "clock_period_ns": number(r"Chip clock period is", summary),
        "interval_ns": number(r"Chip pipeline-system-clock-cycle \(per "
                              r"image\) is", summary),
        "energy_pj": number(r"Chip pipeline-system readDynamicEnergy \(per "
                            r"image\) is", summary),
        "leakage_energy_pj": number(r"Chip pipeline-system leakage Energy "
                                    r"\(per image\) is", summary),
        "tops_per_w": number(r"Energy Efficiency TOPS/W \(Pipelined "
                             r"Process\)", summary),
        "tops": number(r"Throughput TOPS \(Pipelined Process\)", summary),
        "copies_per_layer": [int(x.split(":")[1]) for x in
                             speedup.group(1).split("\n")] if speedup else [],
        "layers": layers,
    }


def run(checkout, scratch, config, traces):
    name, memcelltype, technode, parallel = config
    src = os.path.join(checkout, "Inference_pytorch", "NeuroSIM")
    build = os.path.join(scratch, name)
    shutil.copytree(src, build)
    param = os.path.join(build, "Param.cpp")
    with open(param) as f:
        text = f.read()
    if not re.search(rf"^\s*levelOutput\s*=\s*{LEVEL_OUTPUT};", text, re.M):
        sys.exit(f"error: this Param.cpp's levelOutput is not the released "
                 f"{LEVEL_OUTPUT}")
    text = set_assignment(text, "memcelltype", memcelltype)
    text = set_assignment(text, "technode", technode)
    with open(param, "w") as f:
        f.write(text)
    # A checkout that was built already brings its objects; make cannot
    # see that Param.cpp changed within the same second as the copy.
    for target in (["clean"], []):
        subprocess.run(["make", "-C", build, *target], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    network = os.path.join(build, "NetWork_VGG8.csv")
    log = subprocess.run([os.path.join(build, "main"), network, str(BITS),
                          str(BITS), "128", str(parallel), *traces],
                         check=True, capture_output=True, text=True,
                         env=dict(os.environ, OMP_NUM_THREADS="1")).stdout
    result = parse(log)
    result.update({"memcelltype": memcelltype, "technode_nm": technode,
                   "rows_in_parallel": parallel,
                   "level_output": LEVEL_OUTPUT})
    return name, result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkout", help="a DNN_NeuroSim_V1.4 checkout")
    ap.add_argument("--out", default=os.path.join(HERE,
                                                  "neurosim_v14_runs.json"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--commit", default="",
                    help="the checkout's commit, when it is not a git tree")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        trace_dir = os.path.join(scratch, "traces")
        os.makedirs(trace_dir)
        network = os.path.join(args.checkout, "Inference_pytorch",
                               "NeuroSIM", "NetWork_VGG8.csv")
        traces = write_traces(network, trace_dir, args.seed)
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            runs = dict(pool.map(lambda c: run(args.checkout, scratch, c,
                                               traces), CONFIGS))
    commit = subprocess.run(["git", "-C", args.checkout, "rev-parse",
                             "HEAD"], capture_output=True, text=True)
    out = {
        "neurosim": "DNN_NeuroSim_V1.4 " + (commit.stdout.strip() or
                                            args.commit or "(commit unknown)"),
        "command": "bench/rerun_neurosim.py CHECKOUT",
        "traces": f"random, seed {args.seed} (bench/rerun_neurosim.py "
                  "write_traces)",
        "runs": {name: runs[name] for name, *_ in CONFIGS},
    }
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
