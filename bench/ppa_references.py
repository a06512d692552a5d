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

NEUROSIM_NOTE = ("NeuroSim V1.4 manual, VGG-8 CIFAR-10, 8-bit W/A, 128x128, "
                 "1 bit/cell, 4-bit ADC (../shared/reference/peers.md); "
                 "NeuroSim divides its printed TOPS/W by a post-layout "
                 "factor of 1.22 (main.cpp zeta), which nncc does not apply")


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
             ("area: nncc's array macro is 44,500 µm² against NeuroSim's "
             "32,100 (its running-sum register per column takes 2.5x the "
             "height of NeuroSim's two shift-adders beside the narrow RRAM "
             "array); the tiles' adder trees (NeuroSim's PE and tile trees "
             "over 8 sub-arrays, 7.3 mm² here with nncc's pipeline "
             "registers) add +1.9 points; TOPS: the slowest stage "
             "(conv_12, 191 µs) is its arrays (98 µs) plus its busiest "
             "core's buffer port (86 µs, 52 bits per clock), as "
             "NeuroSim's bottleneck is mostly buffer latency; a core "
             "holds one copy of one layer, as NeuroSim's tiles "
             "(core.one_layer_copy), and the placer keeps each port "
             "within the arrays' time where it can (placed for bit-hops "
             "alone on shared cores, copies of a layer shared one port: "
             "4.56 TOPS); each read is the target's 10-ns read pulse "
             "(Param.cpp readPulseWidth) and then the 8 sensing clocks, "
             "24 ns, where NeuroSim's synchronous read is the 8 clocks "
             "alone, 14 ns (SubArray.cpp readLatencyADC = numColMuxed x "
             "numAdd; readPulseWidth does not enter its sense amplifiers' "
             "timing): with the sensing inside a 0.01-ns pulse nncc gives "
             "9.55 TOPS (+53 %), so its other latencies fall short of "
             "NeuroSim's by about that much, not yet attributed")),
    neurosim("neurosim-rram-22nm-pr64", 378.06, 8.16, 19.88,
             ("area as PR32; TOPS: reading 64 rows at a time "
             "halves the arrays' time (48 µs) but not the buffer port's "
             "(55 µs in the slowest stage, conv_12, 121 µs): with one "
             "layer copy per core only the chip's spare cores take "
             "spread rows, which the placer uses to keep ports, inputs "
             "and results, within the stage (NeuroSim sizes its chip to "
             "the network and has none; the 144 cores are an "
             "assumption); from PR32 to PR64 NeuroSim's TOPS grow 1.31x, "
             "nncc's 1.58x (with cores shared by copies the placer "
             "spreads further: 11.6 TOPS, +42 %); the clock is derived "
             "from NeuroSim's sensing-delay model, not a NeuroSim run; "
             "TOPS/W: from PR32 to PR64 NeuroSim's grow 1.77x, nncc's "
             "1.50x: the cell current (33 % of nncc's energy here) flows "
             "once per cell read, which reading 64 rows at a time does "
             "not reduce, where NeuroSim's fitted sense-amplifier column "
             "power (MultilevelSenseAmp.cpp GetColumnPower) grows with "
             "the logarithm of the column's conductance, so that its "
             "array energy is nearly per conversion")),
    neurosim("neurosim-sram-22nm-pr32", 85.97, 6.06, 8.76,
             ("area: the array macros agree (nncc 5,835 µm², NeuroSim "
             "5,972), the mesh wires stand for NeuroSim's H-tree and the "
             "cores' adder trees for its PE and tile trees (7.3 mm², "
             "+8.9 points); the rest is not attributed without a "
             "NeuroSim breakdown of this configuration; candidates are "
             "the parts nncc's chip lacks: NeuroSim's chip-level adder "
             "tree over tiles (partial sums from other cores go through "
             "the home array's accumulator here) and its per-PE "
             "buffers; TOPS/W: the read path is NeuroSim's (each "
             "activated cell its access transistor's 86 kΩ, "
             "GetColumnResistance, at the 0.55-V bit-line clamp), which "
             "NeuroSim charges as its fitted sense-amplifier column power "
             "and nncc as the cell current for each conversion's clock "
             "(25 % of its energy)")),
    neurosim("neurosim-sram-22nm-pr64", 84.39, 8.01, 17.13,
             ("TOPS as RRAM PR64 (the placer spreads the slowest "
             "stage's rows and results over the chip's spare cores); "
             "TOPS/W: as RRAM PR64's, NeuroSim's TOPS/W grow 1.96x from "
             "PR32 to PR64 (8.76 to 17.13), nncc's 1.48x: the cell "
             "current (35 % of nncc's energy here) is per cell read, "
             "NeuroSim's fitted sense-amplifier column power nearly per "
             "conversion")),
    neurosim("neurosim-sram-5nm-pr32", 14.64, 11.48, 32.43,
             ("area: with NeuroSim's own 5 nm SRAM cell (840 F², "
             "0.021 µm²) the arrays are 3.2 of nncc's 11.6 mm²; the logic "
             "(accumulators 4.7, adder trees 1.3 mm²) is the 45 nm gate "
             "equivalent drawn at 5 nm's cell height and poly pitch "
             "(36 F x 10.2 F, NeuroSim's constant.h, 3.45x the planar "
             "F²); its energy still follows F (Dennard); TOPS: the "
             "clock is Param.cpp's nominal 1 GHz (NeuroSim's synchronous "
             "period at 5 nm is not derived), and the slowest stage "
             "(conv_12, 129 µs) is its arrays (74 µs) plus its busiest "
             "buffer port (49 µs): from 22 to 5 nm NeuroSim's TOPS grow "
             "1.89x, nncc's 1.51x; interconnect energy per bit-hop is "
             "the target's unscaled 0.1 pJ; TOPS/W: NeuroSim's 5-nm read "
             "path (a 0.253-V bit-line clamp, a one-fin access "
             "transistor of 24 kΩ) makes the cell current 42 % of nncc's "
             "energy; its adders and sense amplifiers scale from 45-nm "
             "gate equivalents by F·V² (Dennard), where NeuroSim's "
             "FinFET gate capacitance (Technology.cpp caplist, 82 aF per "
             "fin at 5 nm) does not follow F: from 22 to 5 nm NeuroSim's "
             "TOPS/W grow 3.70x, nncc's 4.00x")),
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
