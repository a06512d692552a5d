"""nncc.compile: what `nncc compile` writes, and its report as objects."""
import filecmp
import os
import threading
import time

import numpy as np
import pytest

import nncc
from conftest import ADC_SET, TEST_SET, src, tool, tool_error


def test_outputs_are_the_tools(lenet, tmp_path):
    # The same files, byte for byte, as the command line with the same
    # options; the same note.
    status, _, err = tool("compile", src("examples", "lenet5.onnx"),
                          "--target", "default", "-o", str(tmp_path / "cli"))
    assert status == 0, err
    names = sorted(os.listdir(tmp_path / "cli"))
    assert sorted(lenet.files) == names
    match, mismatch, errors = filecmp.cmpfiles(lenet.out, tmp_path / "cli",
                                               names, shallow=False)
    assert mismatch == [] and errors == []
    assert [f"note: {n}" for n in lenet.notes] == err.splitlines()


def test_ppa_matches_report_json(lenet):
    ppa, report = lenet.ppa, lenet.report
    assert ppa.tops_per_watt > 0
    assert ppa.tops_per_watt == report["performance"]["tops_per_w"]
    assert ppa.energy == report["energy"]["per_inference_j"]
    assert ppa.latency == report["performance"]["latency_s"]
    assert ppa.area == report["area"]["placed_m2"]
    assert ppa.macs == report["model"]["macs"]
    assert ppa.static_power == report["energy"]["static_power_w"]
    assert ppa.off_chip_link_power == report["energy"]["off_chip_link_power_w"]
    assert lenet.target_path.endswith(os.path.join("targets", "default.yaml"))
    assert ppa.target == report["target"]


def test_per_layer_figures_are_numpy_arrays(lenet):
    ppa, layers = lenet.ppa, lenet.report["layers"]
    assert ppa.layer_names == [l["name"] for l in layers]
    for array in (ppa.layer_energy, ppa.layer_time, ppa.layer_ops):
        assert isinstance(array, np.ndarray) and array.dtype == np.float64
        assert array.shape == (len(layers),)
    assert ppa.layer_arrays.dtype == np.int64
    np.testing.assert_array_equal(ppa.layer_energy,
                                  [l["energy_j"] for l in layers])
    np.testing.assert_array_equal(ppa.layer_arrays,
                                  [l["arrays"] for l in layers])
    assert set(ppa.energy_by_component) == set(
        lenet.report["energy"]["components"])


def test_mapping_is_mapping_json(lenet):
    assert lenet.mapping["layers"]
    assert lenet.simulation is None


def test_same_seed_same_numbers(tmp_path):
    model = src("examples", "mlp.onnx")
    a = nncc.compile(model, target="default", out=str(tmp_path / "a"), seed=3)
    b = nncc.compile(model, target="default", out=str(tmp_path / "b"), seed=3)
    assert a.ppa.tops_per_watt == b.ppa.tops_per_watt
    np.testing.assert_array_equal(a.ppa.layer_energy, b.ppa.layer_energy)
    assert filecmp.cmp(tmp_path / "a" / "mapped.mlir",
                       tmp_path / "b" / "mapped.mlir", shallow=False)


def test_options_are_the_flags(tmp_path):
    # weight_bits and layers reach the compile as --weight-bits and --layer.
    model = src("examples", "mlp.onnx")
    r = nncc.compile(model, target="default", out=str(tmp_path / "py"),
                     weight_bits=4, layers=["/3/Gemm:input-bits=6"],
                     calibration_limit=32)
    status, _, err = tool("compile", model, "--target", "default",
                          "-o", str(tmp_path / "cli"), "--weight-bits", "4",
                          "--layer", "/3/Gemm:input-bits=6",
                          "--calibration-limit", "32")
    assert status == 0, err
    assert filecmp.cmp(tmp_path / "py" / "mapped.mlir",
                       tmp_path / "cli" / "mapped.mlir", shallow=False)
    default = nncc.compile(model, target="default", out=str(tmp_path / "d"))
    assert r.ppa.energy != default.ppa.energy


@pytest.mark.parametrize("target", [
    "no-such-chip",
    src("test", "Target", "Inputs", "broken", "adc-bits-range.yaml"),
])
def test_bad_target_is_the_tools_error(tmp_path, target):
    model = src("examples", "lenet5.onnx")
    with pytest.raises(nncc.Error) as error:
        nncc.compile(model, target=target, out=str(tmp_path / "o"))
    assert str(error.value) == tool_error("compile", model, "--target",
                                          target, "-o", str(tmp_path / "c"))
    assert isinstance(error.value, Exception)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("content", [None, b"not an ONNX model"])
def test_bad_model_is_the_tools_error(tmp_path, content):
    model = tmp_path / "model.onnx"
    if content is not None:
        model.write_bytes(content)
    with pytest.raises(nncc.Error) as error:
        nncc.compile(str(model), target="default", out=str(tmp_path / "o"))
    message = tool_error("compile", str(model), "--target", "default",
                         "-o", str(tmp_path / "c"))
    assert str(error.value) == message and "\n" not in message
    assert not (tmp_path / "o").exists()


def test_bad_option_is_the_tools_error(tmp_path):
    model = src("examples", "mlp.onnx")
    for kwargs, flags in [({"max_copies": -1}, ["--max-copies", "-1"]),
                          ({"layers": ["/3/Gemm:colour=red"]},
                           ["--layer", "/3/Gemm:colour=red"]),
                          ({"scheme": "upside-down"},
                           ["--scheme", "upside-down"])]:
        with pytest.raises(nncc.Error) as error:
            nncc.compile(model, target="default", out=str(tmp_path / "o"),
                         **kwargs)
        assert str(error.value) == tool_error(
            "compile", model, "--target", "default", "-o",
            str(tmp_path / "c"), *flags)


def test_compile_with_simulation(tmp_path):
    r = nncc.compile(src("examples", "mlp.onnx"), target="default",
                     out=str(tmp_path / "o"), calibration=ADC_SET,
                     simulate=TEST_SET, instances=2, diagnose=False)
    assert "simulation.json" in r.files
    assert r.simulation.instances == 2 and r.simulation.images == 200
    assert 0 <= r.simulation.accuracy <= 1
    assert r.report["simulation"][0]["accuracy_mean"] == r.simulation.accuracy


def test_compile_releases_the_gil(tmp_path):
    # While a compile runs on another thread, this one keeps running: no
    # gap between its ticks near the compile's duration.
    done = threading.Event()
    span = {}

    def work():
        start = time.monotonic()
        nncc.compile(src("examples", "mlp.onnx"), target="default",
                     out=str(tmp_path / "o"), calibration=ADC_SET,
                     simulate=TEST_SET, instances=2, diagnose=False)
        span["seconds"] = time.monotonic() - start
        done.set()

    thread = threading.Thread(target=work)
    ticks = [time.monotonic()]
    thread.start()
    while not done.is_set():
        time.sleep(0.002)  # wakes up only when it can take the GIL
        ticks.append(time.monotonic())
    thread.join()
    gap = max(b - a for a, b in zip(ticks, ticks[1:]))
    assert span["seconds"] > 0.2, span
    assert gap < span["seconds"] / 2, (gap, span)
