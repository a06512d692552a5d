"""nncc: map neural networks onto compute-in-memory chips (docs/python.md).

    import nncc
    r = nncc.compile("examples/lenet5.onnx", target="default", out="o")
    print(r.ppa.tops_per_watt)

compile() writes what `nncc compile` writes into `out` and returns the
report as objects (numbers, NumPy arrays); simulate() runs `nncc
simulate` on such a directory; load_target() and validate_target() read
chip descriptions.  A mistake raises nncc.Error whose message is the
line(s) the command-line tool prints after `error: `.
"""

import json
import os
from dataclasses import dataclass, field
from typing import Optional, Sequence

from . import _nncc
from ._nncc import Error

__all__ = ["Error", "compile", "simulate", "load_target", "validate_target",
           "bundled_targets", "CompileResult", "PPA", "Simulation",
           "AccuracyPoint", "Target"]


def _target_dirs():
    """Where bundled target names are looked up: share/nncc/targets of the
    prefix this package is installed in (<prefix>/lib/python3/dist-packages/
    nncc), or of the build tree (build/python/nncc)."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.path.join(here, "..", "..", "..", "..", "share", "nncc",
                               "targets"),
                  os.path.join(here, "..", "..", "share", "nncc", "targets")]
    return [os.path.normpath(d) for d in candidates if os.path.isdir(d)]


@dataclass(frozen=True)
class PPA:
    """The compile report's power, performance and area (SI units: m^2, J,
    s, W); per-layer figures are NumPy arrays in program order."""
    target: str
    model: str
    parameters: int
    macs: int
    ops: float
    area: float
    core_area: float
    cores: int
    used_cores: int
    energy: float
    static_power: float
    off_chip_link_power: float
    latency: float
    interval: float
    throughput: float
    tops: float
    tops_per_watt: float
    tops_per_mm2: float
    power: float
    program_groups: int
    programming_time: float
    programming_energy: float
    energy_by_component: dict
    area_by_component: dict
    layer_names: list
    layer_energy: "numpy.ndarray"
    layer_time: "numpy.ndarray"
    layer_ops: "numpy.ndarray"
    layer_arrays: "numpy.ndarray"


@dataclass(frozen=True)
class AccuracyPoint:
    """Accuracy (fraction) a time after programming: the mean over the chip
    instances, its 95 % confidence interval and each instance's."""
    seconds: float
    mean: float
    ci95: tuple
    per_instance: "numpy.ndarray"
    layer_error: "numpy.ndarray"


@dataclass(frozen=True)
class Simulation:
    """An accuracy simulation (simulation.json's figures)."""
    target: str
    effects: str
    ir_drop_model: str
    images: int
    instances: int
    seed: int
    float_accuracy: float
    quantized_accuracy: float
    points: list
    layers: list
    diagnosis: Optional[str]

    @property
    def accuracy(self) -> float:
        """The mean accuracy at the first time point."""
        return self.points[0].mean

    @property
    def ci95(self) -> tuple:
        """Its 95 % confidence interval."""
        return self.points[0].ci95

    @staticmethod
    def _from(d):
        d = dict(d)
        d["points"] = [AccuracyPoint(**p) for p in d["points"]]
        return Simulation(**d)


@dataclass(frozen=True)
class CompileResult:
    """What compile() wrote into `out`, and its report as objects."""
    out: str
    ppa: PPA
    simulation: Optional[Simulation]
    target_path: str
    files: list
    warnings: list
    notes: list
    host_ops: str
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def _json(self, name):
        if name not in self._cache:
            with open(os.path.join(self.out, name)) as f:
                self._cache[name] = json.load(f)
        return self._cache[name]

    @property
    def report(self) -> dict:
        """report.json (docs/report.schema.json)."""
        return self._json("report.json")

    @property
    def mapping(self) -> dict:
        """mapping.json: arrays per layer, placement, pipeline."""
        return self._json("mapping.json")


def _simulation_request(dataset, adc_calibration, instances, time, effects,
                        ir_drop, adc_range, seed, diagnose):
    """The simulation options of compile(simulate=...) and simulate(), as
    the tools' flags set them (None: the flag not given)."""
    request = _nncc.SimulationRequest()
    request.dataset = dataset or ""
    request.adc_calibration = adc_calibration or ""
    request.instances = instances
    request.times = time or ""
    request.effects = effects
    request.ir_drop = ir_drop
    request.adc_range = adc_range or ""
    request.seed = seed
    request.diagnose = diagnose
    return request


def compile(model: str, target: str, out: str = "out", *,
            calibration: Optional[str] = None, calibration_limit: int = 256,
            percentile: float = 100.0, weight_bits: int = 0,
            per_channel: bool = True, symmetric: bool = True,
            scheme: Optional[str] = None, adc_range: str = "max",
            replicate: bool = True, max_copies: int = 8,
            time_multiplex: bool = False, layers: Sequence[str] = (),
            seed: int = 1, place_timeout: float = 30.0,
            program_format: str = "auto", program_weights: str = "auto",
            batch: Optional[int] = None,
            simulate: Optional[str] = None,
            adc_calibration: Optional[str] = None, instances: int = 5,
            time: Optional[str] = None, effects: str = "all",
            ir_drop: str = "first-order", diagnose: bool = True,
            sim_seed: int = 1) -> CompileResult:
    """`nncc compile MODEL --target TARGET -o OUT`, the keyword arguments
    being its options (`--calibration-limit` is calibration_limit, `--layer`
    takes a list, `--seed` is seed, --simulate's `--sim-seed` sim_seed,
    `--time` time).  `target` is a chip description file or a bundled
    target's name.  Releases the GIL while it runs."""
    if max_copies < 0:
        raise Error(f"{model}: --max-copies must not be negative")
    options = _nncc.CompileOptions()
    options.calibration = calibration or ""
    options.calibration_limit = calibration_limit
    options.percentile = percentile
    options.weight_bits = weight_bits
    options.per_channel = per_channel
    options.symmetric = symmetric
    options.scheme = scheme or ""
    options.adc_range = adc_range
    options.replicate = replicate
    options.max_copies = max_copies
    options.time_multiplex = time_multiplex
    options.seed = seed
    options.place_timeout = place_timeout
    options.program_format = program_format
    options.program_weights = program_weights
    if simulate:
        options.simulation = _simulation_request(
            simulate, adc_calibration, instances, time, effects, ir_drop,
            None, sim_seed, diagnose)
    d = _nncc.compile(os.fspath(model), os.fspath(target), _target_dirs(),
                      os.fspath(out), options, list(layers), batch)
    simulation = d.pop("simulation")
    return CompileResult(
        out=os.fspath(out), ppa=PPA(**d.pop("ppa")),
        simulation=Simulation._from(simulation) if simulation else None, **d)


def simulate(out: str, dataset: str, adc_calibration: str, *,
             instances: int = 5, seed: int = 1, time: Optional[str] = None,
             effects: str = "all", ir_drop: str = "first-order",
             adc_range: Optional[str] = None, diagnose: bool = True,
             chip: Optional[str] = None) -> Simulation:
    """`nncc simulate OUT --dataset DATASET --adc-calibration ...`: the
    accuracy of a compiled directory's program on `instances` sampled
    chips (also written to OUT/simulation.json).  Releases the GIL."""
    request = _simulation_request(dataset, adc_calibration, instances, time,
                                  effects, ir_drop, adc_range, seed, diagnose)
    return Simulation._from(_nncc.simulate(os.fspath(out), request,
                                           os.fspath(chip or "")))


@dataclass(frozen=True)
class Target:
    """A chip description, loaded and validated; `summary` is what
    `nncc target show` prints.  A spiking (neuromorphic) chip has no arrays:
    `spiking` is true, rows and cols are 0 and each core connects `axons`
    inputs to `neurons` neurons (0 for a crossbar chip)."""
    path: str
    name: str
    description: str
    rows: int
    cols: int
    weight_bits: int
    rows_in_parallel: int
    devices_per_cell: int
    cores: int
    spiking: bool
    axons: int
    neurons: int
    summary: str


def load_target(spec: str) -> Target:
    """The chip description `spec` (a YAML file, or a bundled target's
    name), validated like `nncc target validate`; nncc.Error lists every
    problem, one line each."""
    return Target(**_nncc.load_target(os.fspath(spec), _target_dirs()))


def validate_target(spec: str) -> None:
    """Raises nncc.Error unless `spec` is a valid chip description."""
    load_target(spec)


def bundled_targets() -> list:
    """Names of the bundled targets (`nncc target list`)."""
    return _nncc.bundled_target_names(_target_dirs())
