"""Published PPA figures nncc is validated against (docs/validation.md).

Each reference names the bundled target that describes its chip, the
workload its figure was measured on, the level it was measured at, and the
figures themselves.  `band` is the acceptance band (issue #14: ±25 % for
NeuroSim's model, ±30 % for silicon and paper figures).  `dominant` names the
one modelling difference that dominates what is left between nncc and the
reference; it is written by a person after reading the breakdown, and kept
next to the figures it explains.

Sources are cited in ../shared/reference/peers.md (NeuroSim),
../shared/reference/validation-references.md and each target's header.

Metrics (all read from report.json; see validate_ppa.py):
  area_mm2    the chip's bounding box: array macros with the white space
              beside their pitch-matched periphery (as NeuroSim's subarray
              outline, and as a die is measured), docs/ppa-model.md
  placed_area_mm2
              the sum of the blocks, no white space (for a reference that
              sums its components' areas, as ISAAC's Table I)
  tops        2 x MACs / interval
  tops_per_w  2 x MACs / energy per inference (chip level: every component;
              macro level: the arrays and their periphery only: cell reads,
              drivers, converters, shift-add)
  latency_us  first input to last output of one inference
"""

# Workloads: (generator model, extra generator arguments).  vgg8 is
# NeuroSim's VGG-8 (bench/make_shaped_models.py); mlp --widths K,N is a
# dense MVM.
VGG8 = ("vgg8", [])
LIU_MLP = ("mlp", ["--widths", "784,100,10"])
HERMES_DENSE = ("mlp", ["--widths", "2048,2048"])  # 64 cores x 256x256
# 168 tiles x 96 arrays of 128 rows x 15 16-bit weights (8 two-bit cells
# each, one reference column): one MVM that fills ISAAC-CE, whose peak
# counts every IMA busy every cycle.
ISAAC_DENSE = ("mlp", ["--widths", "16128,1920"])
# The same for PUMA's 138 tiles x 128 crossbars (8 cores x 2 MVMUs x 8).
PUMA_DENSE = ("mlp", ["--widths", "17664,1920"])
SRAM_MACRO_DENSE = ("mlp", ["--widths", "64,31"])  # one 64x64 macro, 2-bit
RRAM_MACRO_DENSE = ("mlp", ["--widths", "256,127"])  # one 256x256 array, 2-bit

NEUROSIM_NOTE = ("NeuroSim V1.4 manual, Table VII (generated 9/27/23), "
                 "VGG-8 CIFAR-10, 8-bit W/A, 128x128, 1 bit/cell "
                 "(../shared/reference/peers.md); its \"4-bit ADC\" is the "
                 "accuracy column's: its PPA columns ran the released "
                 "Param.cpp's 5-bit sense amplifier (levelOutput = 32; the "
                 "re-run above); NeuroSim divides its printed TOPS/W by a "
                 "post-layout factor of 1.22 (main.cpp zeta), which nncc "
                 "does not apply")


def neurosim(config, area_mm2, tops, tops_per_w, dominant):
    """One of NeuroSim V1.4's published VGG-8 configurations, on the bundled
    target of the same name."""
    return dict(id=config, source=NEUROSIM_NOTE, level="chip", target=config,
                workload=VGG8, band=0.25,
                figures=dict(area_mm2=area_mm2, tops=tops,
                             tops_per_w=tops_per_w),
                dominant=dominant)


REFERENCES = [
    neurosim("neurosim-rram-22nm-pr32", 381.90, 6.25, 11.25,
             ("area: the blocks agree (nncc's 102 mm² against the 105 "
             "NeuroSim's summary lists; arrays and converters within "
             "10 %), their white space does not (nncc 392 mm², NeuroSim "
             "277): nncc keeps a 15-bit running sum per column, whose "
             "registers (accumulation 35 mm² against NeuroSim's 18.5 with "
             "its adder trees) make the strip under the narrow RRAM array "
             "deep, where NeuroSim keeps one shift-add register per "
             "converter (SubArray.cpp shiftAddInput, numCol / numColMuxed) "
             "and re-drives the rows for each mux position "
             "(readDynamicEnergyArray x numColMuxed); its H-tree is 27.7 "
             "mm² against nncc's 10.5 of mesh; TOPS: a read is the "
             "converter's 8 sensing clocks (17.7 ns, the 10-ns pulse "
             "inside them), as NeuroSim's synchronous read; NeuroSim's "
             "slowest layer is layer 1 (197 µs, 136.5 of them its tile "
             "input buffer: Tile.cpp moves every input bit of the layer "
             "through it whatever the layer's 16 copies, \"the total "
             "number of data transferred is fixed\"), nncc's is conv_12 "
             "(163 µs: arrays 72, buffer port 73, mesh 14), whose copies "
             "each have a core's port; TOPS/W: against the re-run's "
             "random traces -23 %, the rest is the trained model's sparser "
             "activity; by NeuroSim's categories nncc's accumulation is "
             "4.0x NeuroSim's (46 against 11.4 µJ: a 15-bit add and "
             "register write per conversion at Horowitz's per-bit energy, "
             "where NeuroSim scales its transistor-level adder and "
             "flip-flop by switching activities of 0.15 and 0.5, "
             "Param.cpp delta and gamma) and its converters and array "
             "1.4x (108 against 76 µJ)")),
    neurosim("neurosim-rram-22nm-pr64", 378.06, 8.16, 19.88,
             ("area as PR32; TOPS: reading 64 rows at a time halves the "
             "arrays' time of the slowest stage (conv_12: arrays 30 µs) "
             "but not its buffer port's (76 µs), while NeuroSim's slowest "
             "layer is again layer 1's tile buffer (114 of 151 µs); with "
             "one layer copy per core only the chip's spare cores take "
             "spread rows (the 144 cores are an assumption; NeuroSim sizes "
             "its chip to the network); from PR32 to PR64 NeuroSim's TOPS "
             "grow 1.31x, nncc's 1.35x; TOPS/W: -26 % against the re-run "
             "(16.9 TOPS/W on random traces), the same categories as "
             "PR32: accumulation 23 against 6.0 µJ, converters and array "
             "65 against 39")),
    neurosim("neurosim-sram-22nm-pr32", 85.97, 6.06, 8.76,
             ("area: the arrays agree (20.5 against 21.0 mm²) and so do "
             "the sums of the blocks (79 against 82); by category nncc "
             "has more accumulation (35 against 21 mm², a running sum per "
             "column) and less in converters (8.7 against 15.4: "
             "NeuroSim's SRAM column periphery counts its precharger with "
             "its sense amplifiers) and in other periphery; TOPS: as "
             "RRAM PR32, NeuroSim's slowest layer is layer 1's tile "
             "buffer (141 of 203 µs), nncc's conv_12 (168 µs: arrays 75, "
             "buffer port 75); TOPS/W: -7 % against the re-run (7.98 "
             "TOPS/W on random traces): the converters and array agree "
             "(112 against 106 µJ; each activated cell is its access "
             "transistor's 86 kOhm at the 0.55-V clamp, GetColumnResistance), "
             "the accumulation is 3.8x NeuroSim's (46 against 12 µJ) and "
             "NeuroSim's switch matrices and mux (4.6 µJ) have no "
             "counterpart in nncc's 0.13")),
    neurosim("neurosim-sram-22nm-pr64", 84.39, 8.01, 17.13,
             ("TOPS as RRAM PR64 (nncc's conv_12: arrays 31 µs, buffer "
             "port 78; NeuroSim's layer 1: buffer 116 of 154 µs); TOPS/W: "
             "-19 % against the re-run (14.8 TOPS/W on random traces); "
             "accumulation 23 against 6.4 µJ, converters and array 69 "
             "against 54")),
    neurosim("neurosim-sram-5nm-pr32", 14.64, 11.48, 32.43,
             ("area: with NeuroSim's own 5 nm SRAM cell (840 F², "
             "0.021 µm²) the arrays agree (3.17 against 3.26 mm²); the "
             "logic is the 45 nm gate equivalent drawn at 5 nm's cell "
             "height and poly pitch (36 F x 10.2 F, NeuroSim's "
             "constant.h, 3.45x the planar F²): accumulation 6.3 against "
             "3.7 mm², converters 1.6 against 2.9; TOPS: the clock is "
             "NeuroSim's synchronous 832 MHz (its 5-bit PR32 run), each "
             "read the 10-ns pulse, longer than the 8 sensing clocks "
             "(9.6 ns); TOPS/W: +5 % against the re-run (28.6 TOPS/W on "
             "random traces): the converters and array agree (26.4 "
             "against 27.6 µJ), nncc's interconnect is the target's "
             "unscaled 0.1 pJ per bit-hop (7.6 against 1.0 µJ) and its "
             "accumulation 1.7x NeuroSim's (7.1 against 4.2 µJ)")),
    dict(id="liu-isscc2020", level="chip",
         source="Liu et al., ISSCC 2020 paper 33.2 (abstract): 130 nm, "
                "784-100-10 MLP, 78.4 TOPS/W peak, 77 us per image",
         target="liu-isscc2020-2t2r", workload=LIU_MLP, band=0.30,
         figures=dict(tops_per_w=78.4, latency_us=77),
         dominant=("TOPS/W: 78.4 is the chip's peak; nncc converts every column "
                  "with its 8-bit SAR for each of 8 input cycles (52 % of its "
                  "energy), a precision the abstract does not state; "
                  "latency: the published 77 µs includes the FPGA back end "
                  "and I/O, which nncc does not model")),
    dict(id="khwa-isscc2018-sram-macro", level="macro",
         source="Khwa et al., ISSCC 2018 paper 31.5 (abstract): 65 nm 4 Kb "
                "6T SRAM unit-macro, 0/1 inputs x +-1 weights, 55.8 TOPS/W",
         target="sram-cim-macro", workload=SRAM_MACRO_DENSE, band=0.30,
         figures=dict(tops_per_w=55.8),
         dominant=("with voltage sensing (read_circuit: voltage) each of "
                  "the 63 used bit lines (12.1 fF: 6.1 fF of wire and 64 "
                  "junctions) discharges fully once per read and costs its "
                  "recharge, 12.9 fJ at 1 V, where current mode charged the "
                  "assumed 20 kΩ cells for the whole 2.3 ns (93 % of the "
                  "energy, -43 %); nncc's arrays and periphery now take "
                  "8.4 pJ per 64x31 product-sum against the 71 pJ the "
                  "published figure implies, 70 % of it the digital "
                  "combine adds of the 2-bit offset code the format needs "
                  "for ±1 weights (a binary macro has none), 14 % the word "
                  "lines (wire and access gates to the supply), 10 % the bit "
                  "lines, 6 % the sense amplifiers; the abstract gives no "
                  "breakdown, so which of the macro's circuits nncc lacks "
                  "(reference generation, sense-amplifier bias, control) is "
                  "open")),
    dict(id="xue-isscc2020-rram-macro", level="macro",
         source="Xue et al., ISSCC 2020 paper 15.4 (title, abstract) and "
                "Nature Electronics 4, 81 (2021) (abstract): 22 nm 2 Mb "
                "binary-cell 1T1R RRAM macro, 121.38 TOPS/W at the binary "
                "end of its range",
         target="xue-isscc2020-rram-macro", workload=RRAM_MACRO_DENSE,
         band=0.30, figures=dict(tops_per_w=121.38),
         dominant=("the abstracts leave the organisation open, so rows "
                   "summed per read (16), readout (3-bit, one per 8 columns) "
                   "and read voltage (0.2 V) are assumptions that set "
                   "nncc's figure; and the macro clamps every bit line at "
                   "an input-dependent voltage, whose analog bias current "
                   "nncc's current-sense model (comparator switching only, "
                   "35 % of its energy) does not charge")),
    dict(id="isaac", level="chip",
         source="Shafiee et al., ISCA 2016: ISAAC-CE, Table I 85.4 mm2 and "
                "65.8 W for 168 tiles and 4 HyperTransport links; Table IV "
                "627.5 GOPS/W and 478.95 GOPS/s/mm2 at 16 bit, links "
                "included (TOPS = 478.95 x 85.4 mm2); transcribed in "
                "dyigitpolat/mimarsinan's ISAAC physics profile",
         target="isaac-rram", workload=ISAAC_DENSE, band=0.30,
         figures=dict(placed_area_mm2=85.4, tops=40.9, tops_per_w=0.6275),
         dominant="area: ISAAC's is the sum of its components, so the "
                  "placed area compares (the bounding box, 16,292 mm^2, adds "
                  "~1 mm^2 of white space per array: a 4F^2 crossbar is 8.2 "
                  "um on a side, and its periphery pitch-matched along those "
                  "edges, NeuroSim's layout rule, which its rows above "
                  "validate, makes strips 0.7 and 1.3 mm deep); of nncc's "
                  "256 mm^2, the write periphery takes 145 (level shifters "
                  "for the assumed 2-V programming, which ISAAC's table "
                  "does not count); the running sums, one per weight as "
                  "ISAAC's output register (periphery.running_sums: "
                  "weight), 21.3, as 40-bit flip-flop registers where "
                  "ISAAC keeps 16 bits in a denser 256-B register (0.00077 "
                  "mm^2 per IMA); the mesh wires, one packed core's pitch "
                  "long, 20.8; its ADCs (19.4 mm^2) and links (22.9) are "
                  "ISAAC's; TOPS and "
                  "TOPS/W: a peak, every IMA busy, so the workload is one "
                  "dense MVM filling the chip: nncc's reference column "
                  "leaves 1,920 weights per array (ISAAC's 129th column "
                  "2,048), the 100-ns reads overlapping the previous read's "
                  "conversions behind the sample-and-holds "
                  "(periphery.sample_and_hold); ISAAC's four HyperTransport "
                  "links draw 10.4 W at any activity (chip.off_chip_links), "
                  "18 % of nncc's energy and 16 % of ISAAC's; without them "
                  "nncc spends 1.23 pJ per operation against ISAAC's tiles' "
                  "1.35 (55.4 W / 40.9 TOPS), its ADCs (ISAAC's 1.67 pJ) "
                  "56 % of its energy against 49 % of ISAAC's"),
    dict(id="puma", level="chip",
         source="Ankit et al., ASPLOS 2019 (abstract; 577 GOPS/s/mm2 from "
                "../shared/reference/validation-references.md, seed 002): "
                "837 GOPS/s/W at 1 GHz, peak figures as ISAAC's",
         target="puma-like", workload=PUMA_DENSE, band=0.30,
         figures=dict(tops_per_w=0.837, tops_per_mm2=0.577),
         dominant="a peak, as ISAAC's, so the workload is one dense MVM "
                  "filling the chip's 17,664 crossbars (VGG-8 runs at 6.0 of "
                  "its 33 TOPS, at 1.07 TOPS/W); "
                  "the reads overlap the previous read's conversions behind "
                  "the sample-and-holds, the pipeline of puma-simulator's "
                  "MVM latency model; TOPS/W: nncc's ADCs (ISAAC's figures, "
                  "which PUMA reuses) are 66 % of its energy; PUMA's cores "
                  "also fetch and decode instructions, which nncc's fixed "
                  "datapath does not; TOPS/mm2: the placed area is ISAAC's "
                  "case: of nncc's 228 mm^2 the write periphery takes 158 "
                  "(level shifters for the assumed 2-V programming) and the "
                  "running sums, one per weight column as puma-simulator's "
                  "output memory, 23.4, where its ADCs are 21 and its "
                  "crossbars 1.2"),
    dict(id="hermes-one-phase", level="chip",
         source="Le Gallo et al., Nature Electronics 2023 (abstract): 64 "
                "cores of 256x256 PCM, 14 nm, 8-bit MVM, one-phase 63.1 TOPS "
                "at 9.76 TOPS/W",
         target="hermes-like", workload=HERMES_DENSE, band=0.30,
         figures=dict(tops=63.1, tops_per_w=9.76),
         dominant=("TOPS/W: nncc's 1.7 W against HERMES's 6.5 W at full rate; "
                  "the abstract gives no breakdown, but its two read modes "
                  "draw the same power (63.1 / 9.76 = 6.47 W one-phase, "
                  "16.1 / 2.48 = 6.49 W four-phase) for a quarter of the "
                  "operations per second, so that power follows time, not "
                  "operations, where nncc's energy is per operation and its "
                  "static power NeuroSim's leakage density (0.0 %); nncc's "
                  "CCO ADCs "
                  "(HERMES-Core's kind, 0.22 pJ per 8-bit conversion from "
                  "their mean count, one per bit line as G+ and G- subtract "
                  "on it) are 1.6 % of its energy, cell reads (two PCM "
                  "devices per polarity, array.devices_per_cell) 58 %, "
                  "NoC bit-hops 31 % and the local digital units' affine "
                  "correction of every count (adc.column_correction, "
                  "HERMES-Core's ADC calibration) 2.5 %; nncc has no model "
                  "of the converters' analog bias (bit-line regulation, the "
                  "oscillators' idle rate), the units' other work or "
                  "network power beyond its bit-hops")),
    dict(id="hermes-four-phase", level="chip",
         source="Le Gallo et al., Nature Electronics 2023 (abstract): the "
                "same chip in its four-phase (high-precision) read mode, "
                "16.1 TOPS at 2.48 TOPS/W; the mode after the npj "
                "Unconventional Computing 2024 4-quadrant paper's Fig. 1 "
                "caption",
         target="hermes-like-four-phase", workload=HERMES_DENSE, band=0.30,
         figures=dict(tops=16.1, tops_per_w=2.48),
         dominant=("TOPS: four reads per MVM, one per input sign and weight "
                  "polarity (array.read_mode: four-phase), each its 128-ns "
                  "PWM window and 5-ns conversion, as the one-phase row's; "
                  "TOPS/W: the one-phase row's gap, four times wider: "
                  "HERMES draws the same 6.5 W in both modes for a quarter "
                  "of the operations per second, where nncc's energy per "
                  "MVM barely moves (the cells conduct once per input "
                  "either way; the conversions, four times as many, are "
                  "cheap CCO counts, so nncc's power drops to 0.47 W); "
                  "whatever draws HERMES's power by the second (the "
                  "converters' analog bias, bit-line regulation, clocks) "
                  "is not in nncc's model")),
]
