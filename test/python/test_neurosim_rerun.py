"""The NeuroSim V1.4 re-run behind docs/validation.md's NeuroSim rows
(bench/rerun_neurosim.py, bench/neurosim_v14_runs.json): the traces are in
the format NeuroSim's wrapper writes, the recorded printout is consistent
with itself, and the targets state what the runs ran."""
import json
import math
import os
import re
import sys

import numpy as np

from conftest import src

sys.path.insert(0, src("bench"))
import neurosim_side_by_side  # noqa: E402
import rerun_neurosim  # noqa: E402

with open(src("bench", "neurosim_v14_runs.json")) as f:
    RUNS = json.load(f)["runs"]
# NeuroSim's VGG-8 (NetWork_VGG8.csv): 2 x MACs, the ops its TOPS count.
VGG8_OPS = 2 * sum(h * w * c * 9 * n for h, w, c, n in (
    (32, 32, 3, 128), (32, 32, 128, 128), (16, 16, 128, 256),
    (16, 16, 256, 256), (8, 8, 256, 512), (8, 8, 512, 512))) + \
    2 * (8192 * 1024 + 1024 * 10)


def test_traces_have_the_wrappers_format(tmp_path):
    net = tmp_path / "net.csv"
    net.write_text("4,4,2,3,3,5,0,1\n1,1,32,1,1,3,0,1\n")
    files = rerun_neurosim.write_traces(str(net), str(tmp_path), seed=7)
    assert [os.path.basename(f) for f in files] == [
        "weight0.csv", "input0.csv", "weight1.csv", "input1.csv"]
    w = np.loadtxt(files[0], delimiter=",")
    x = np.loadtxt(files[1], delimiter=",", dtype=int)
    # Weights [K*K*C, N] on the 8-bit grid in [-1, 1); inputs [K*K*C,
    # patches x 8] of bits, each activation's MSB first (hook.py dec2bin).
    assert w.shape == (18, 5) and x.shape == (18, 16 * 8)
    assert np.all(w >= -1) and np.all(w < 1)
    # (written as hook.py does, "%10.5f": to 5 decimals)
    assert np.allclose(w, np.round(w * 128) / 128, rtol=0, atol=1e-5)
    assert set(np.unique(x)) <= {0, 1}
    codes = sum(x[:, b::8] << (7 - b) for b in range(8))
    assert np.all(codes < 128)  # non-negative: the sign bit is 0
    assert np.loadtxt(files[3], delimiter=",").shape == (32, 8)
    # Same seed, same files.
    again = tmp_path / "again"
    again.mkdir()
    rerun_neurosim.write_traces(str(net), str(again), seed=7)
    assert (again / "input0.csv").read_bytes() == open(files[1], "rb").read()


def test_printout_is_consistent_with_itself():
    for name, run in RUNS.items():
        # TOPS = ops / pipeline interval; TOPS/W = ops / (zeta x energy).
        assert math.isclose(VGG8_OPS / run["interval_ns"] / 1e3, run["tops"],
                            rel_tol=1e-4), name
        joules = (run["energy_pj"] + run["leakage_energy_pj"]) * 1e-12
        assert math.isclose(
            VGG8_OPS / (neurosim_side_by_side.ZETA * joules) / 1e12,
            run["tops_per_w"], rel_tol=1e-4), name
        parts = run["energy_components_pj"]
        assert math.isclose(sum(parts.values()), run["energy_pj"],
                            rel_tol=1e-4), name
        assert sum(run["area_components_um2"].values()) < run["area_um2"]
        assert max(l["latency_ns"] for l in run["layers"]) == \
            run["interval_ns"], name


def test_targets_state_what_the_runs_ran():
    for name, run in RUNS.items():
        with open(src("targets", name + ".yaml")) as f:
            text = f.read()
        mhz = float(re.search(r"^  clock: ([0-9.]+) MHz", text, re.M)[1])
        assert math.isclose(1e3 / mhz, run["clock_period_ns"],
                            rel_tol=1e-3), name
        bits = int(re.search(r"^    bits: (\d+)", text, re.M)[1])
        assert 2 ** bits == run["level_output"], name
        parallel = int(re.search(r"^  rows_in_parallel: (\d+)", text,
                                 re.M)[1])
        assert parallel == run["rows_in_parallel"], name
        node = int(re.search(r"^  node: (\d+) nm", text, re.M)[1])
        assert node == run["technode_nm"], name
