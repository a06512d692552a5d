"""nncc.simulate on a compiled directory; chip descriptions."""
import filecmp
import shutil

import numpy as np
import pytest

import nncc
from conftest import ADC_SET, TEST_SET, src, tool, tool_error


@pytest.fixture(scope="module")
def mlp(tmp_path_factory):
    out = tmp_path_factory.mktemp("mlp") / "out"
    nncc.compile(src("examples", "mlp.onnx"), target="ibm-pcm-like",
                 out=str(out), calibration=ADC_SET)
    return out


def assert_tool_writes_the_same(out, tmp_path, *flags):
    """`nncc simulate` with `flags` on a copy of `out` writes the
    simulation.json the module just wrote into `out`."""
    cli = tmp_path / "cli"
    shutil.copytree(out, cli)
    status, _, err = tool("simulate", str(cli), "--dataset", TEST_SET,
                          "--adc-calibration", ADC_SET, "--diagnose=false",
                          *flags)
    assert status == 0, err
    assert filecmp.cmp(out / "simulation.json", cli / "simulation.json",
                       shallow=False)


def test_simulate_is_the_tools(mlp, tmp_path):
    s = nncc.simulate(str(mlp), TEST_SET, ADC_SET, instances=3, seed=7,
                      diagnose=False)
    assert s.instances == 3 and s.images == 200
    low, high = s.ci95
    assert 0 <= low <= s.accuracy <= high <= 1
    assert isinstance(s.points[0].per_instance, np.ndarray)
    assert s.points[0].per_instance.shape == (3,)
    assert s.accuracy == pytest.approx(s.points[0].per_instance.mean())
    assert s.points[0].layer_error.shape == (len(s.layers),)
    # simulation.json as `nncc simulate` writes it with the same options.
    assert_tool_writes_the_same(mlp, tmp_path, "--instances", "3",
                                "--seed", "7")


def test_ir_drop_model_is_the_flag(mlp, tmp_path):
    s = nncc.simulate(str(mlp), TEST_SET, ADC_SET, instances=1,
                      ir_drop="nodal", diagnose=False)
    assert s.ir_drop_model == "nodal"
    assert_tool_writes_the_same(mlp, tmp_path, "--instances", "1",
                                "--ir-drop", "nodal")
    with pytest.raises(nncc.Error) as error:
        nncc.simulate(str(mlp), TEST_SET, ADC_SET, ir_drop="exact")
    assert str(error.value) == tool_error(
        "simulate", str(mlp), "--dataset", TEST_SET, "--adc-calibration",
        ADC_SET, "--ir-drop", "exact")


def test_same_seed_same_accuracy(mlp):
    a = nncc.simulate(str(mlp), TEST_SET, ADC_SET, instances=2, seed=5,
                      diagnose=False)
    b = nncc.simulate(str(mlp), TEST_SET, ADC_SET, instances=2, seed=5,
                      diagnose=False)
    np.testing.assert_array_equal(a.points[0].per_instance,
                                  b.points[0].per_instance)


def test_simulate_errors_are_the_tools(mlp, tmp_path):
    for args, flags in [((str(mlp), TEST_SET, ""),
                         [str(mlp), "--dataset", TEST_SET]),
                        ((str(tmp_path), TEST_SET, ADC_SET),
                         [str(tmp_path), "--dataset", TEST_SET,
                          "--adc-calibration", ADC_SET])]:
        with pytest.raises(nncc.Error) as error:
            nncc.simulate(*args)
        assert str(error.value) == tool_error("simulate", *flags)


def test_load_target():
    t = nncc.load_target("default")
    assert t.path.endswith("default.yaml") and t.rows > 0 and t.cores > 0
    assert "default" in nncc.bundled_targets()
    status, out, _ = tool("target", "show", "default")
    assert status == 0 and t.summary == out
    assert nncc.load_target(t.path).name == t.name
    assert nncc.validate_target("default") is None
    assert not t.spiking and t.axons == 0 and t.neurons == 0
    assert t.devices_per_cell == 1
    # HERMES's four PCM devices per weight: two per polarity.
    assert nncc.load_target("hermes-like").devices_per_cell == 2


def test_load_spiking_target():
    t = nncc.load_target("truenorth-like")
    assert t.spiking and t.rows == 0 and t.cores == 4096
    assert (t.axons, t.neurons) == (256, 256)
    status, out, _ = tool("target", "show", "truenorth-like")
    assert status == 0 and t.summary == out


def test_invalid_target_is_the_tools_error():
    broken = src("test", "Target", "Inputs", "broken", "adc-bits-range.yaml")
    with pytest.raises(nncc.Error) as error:
        nncc.validate_target(broken)
    assert str(error.value) == tool_error("target", "validate", broken)
    assert "periphery.adc.bits" in str(error.value)
