#!/usr/bin/python3
"""nncc's array models against ngspice on the arrays of a compiled program.

Draws random reads (a tile of the program, and a random 0/1 input digit per
physical row), exports each as a netlist with `nncc export spice`, solves it
with `ngspice -b`, and compares every sensed column's current with the ones
nncc's IR-drop models give for the same read (--model-currents with
--ir-drop first-order and nodal, on the same circuit).  Prints each model's
relative error statistics and exits 1 if any column's error exceeds that
model's bound.

Usage: spice_crosscheck.py NNCC OUT_DIR WORK_DIR --reads N
       --bound MODEL=B [--bound MODEL=B] [--seed S] [--max-cells C]
       [--density LO,HI] [--instance I]
With --instance, the cells are chip instance I of `nncc simulate` (seed 1).
Tiles with more than C cells on driven rows are skipped (ngspice's sparse
ordering grows steeply with the circuit: a 128 x 121 tile with every row
driven takes a minute).
"""
import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

CURRENT = re.compile(r"^i\(vsense(\d+)\) = (\S+)$", re.M)


def tiles_of(out):
    """(layer, index within the layer, physical rows, cols) of every
    original array (not replicas), in program order."""
    schedule = json.loads((out / "programming.json").read_text())
    seen = {}
    tiles = []
    for array in schedule["arrays"]:
        if array["replica_of"] >= 0:
            continue
        k = seen.get(array["layer"], 0)
        seen[array["layer"]] = k + 1
        tiles.append((array["layer"], k, array["physical_rows"],
                      array["physical_cols"]))
    return tiles


def one_read(nncc, out, work, instance, models, index, layer, k, rows,
             digits):
    """Per model, the relative error of every column the circuit carries
    current in."""
    inputs = work / f"read{index}.npy"
    netlist = work / f"read{index}.cir"
    np.save(inputs, np.array(digits, dtype=np.int64))
    predicted = {}
    for model in models:
        currents = work / f"read{index}-{model}.json"
        subprocess.run([nncc, "export", "spice", str(out), "--layer", layer,
                        "--array", str(k), "--inputs", str(inputs),
                        "-o", str(netlist), "--model-currents", str(currents),
                        "--ir-drop", model] +
                       ([] if instance is None
                        else ["--instance", str(instance)]),
                       check=True)
        predicted[model] = json.loads(currents.read_text())["column_currents_a"]
    # ngspice crashes without HOME, and reads ~/.spiceinit from it: a home
    # of its own keeps any user's settings out.
    env = dict(os.environ, HOME=str(work))
    solved = subprocess.run(["ngspice", "-b", str(netlist)], check=True,
                            capture_output=True, text=True, env=env).stdout
    circuit = {int(c): float(v) for c, v in CURRENT.findall(solved)}
    errors = {}
    for model, currents in predicted.items():
        if len(circuit) != len(currents):
            sys.exit(f"read {index}: ngspice printed {len(circuit)} column "
                     f"currents, nncc's {model} model {len(currents)}")
        errors[model] = [(currents[c] - circuit[c]) / circuit[c]
                         for c in range(len(currents)) if circuit[c] != 0]
    return errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("nncc")
    parser.add_argument("out", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--reads", type=int, required=True)
    parser.add_argument("--bound", action="append", required=True,
                        help="MODEL=B: the largest relative error allowed "
                             "for IR-drop model MODEL")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-cells", type=int, default=6000)
    parser.add_argument("--density", default="0.1,0.5")
    parser.add_argument("--instance", type=int)
    args = parser.parse_args()
    bounds = {}
    for item in args.bound:
        model, _, bound = item.partition("=")
        bounds[model] = float(bound)
    low, high = (float(x) for x in args.density.split(","))
    rng = random.Random(args.seed)
    args.work.mkdir(parents=True, exist_ok=True)
    tiles = tiles_of(args.out)
    reads = []
    while len(reads) < args.reads:
        layer, k, rows, cols = rng.choice(tiles)
        density = rng.uniform(low, high)
        digits = [1 if rng.random() < density else 0 for _ in range(rows)]
        if not any(digits) or sum(digits) * cols > args.max_cells:
            continue
        reads.append((len(reads), layer, k, rows, digits))
    with ThreadPoolExecutor(max_workers=2) as pool:
        errors = list(pool.map(
            lambda r: one_read(args.nncc, args.out, args.work, args.instance,
                               list(bounds), *r), reads))
    status = 0
    for model, bound in bounds.items():
        flat = [e for read in errors for e in read[model]]
        worst = max(abs(e) for e in flat)
        rms = math.sqrt(sum(e * e for e in flat) / len(flat))
        mean = sum(flat) / len(flat)
        print(f"{len(reads)} reads of {len({(r[1], r[2]) for r in reads})} "
              f"tiles, {len(flat)} column currents: {model} model vs ngspice "
              f"relative error mean {100 * mean:+.3g} %, rms "
              f"{100 * rms:.3g} %, worst {100 * worst:.3g} %")
        if worst > bound:
            print(f"error: a column's error {100 * worst:.3g} % exceeds the "
                  f"{model} model's bound {100 * bound:.3g} %")
            status = 1
        else:
            print(f"{model}: within {100 * bound:.3g} %")
    return status


if __name__ == "__main__":
    sys.exit(main())
