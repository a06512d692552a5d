// The target's parameters that the IR depends on become #cim.target.
// RUN: nncc-opt %s --nncc-attach-target="target=%nncc_src/targets/isaac-rram.yaml" | FileCheck %s
// ISAAC-like: 128x128 arrays of 2-bit cells (4 levels), one 8-bit ADC per
// 128 columns, 16-bit bit-serial inputs.
// CHECK: module attributes {cim.target = #cim.target<name = "isaac-rram", rows = 128, cols = 128, levels = 4, rows_in_parallel = 128, adc_bits = 8, columns_per_adc = 128, input_bits = 16, dac_bits = 1, signed_weights = offset_reference
// ISAAC's 100 ns read and one conversion per 1.28 GHz clock (0.78125 ns);
// its 168 cores on a 14 x 12 mesh (not the 13 x 13 square the placement
// would otherwise assume); its sample-and-holds let a read overlap the
// previous read's conversions.
// CHECK-SAME: cores = 168, arrays_per_core = 96, read_pulse = 1.0000000000000001E-7 : f64, conversion_time = 7.8125000000000007E-10 : f64, mesh_width = 14, mesh_height = 12, sample_and_hold = true>}
// A bus: every core one hop from every other.
// RUN: nncc-opt %s --nncc-attach-target="target=%nncc_src/targets/liu-isscc2020-2t2r.yaml" | FileCheck %s --check-prefix=BUS
// BUS: cim.target = #cim.target<name = "liu-isscc2020-2t2r"{{.*}}, mesh_width = {{[0-9]+}}, mesh_height = 1, bus = true>

// A broken description fails the pass with the loader's located message.
// RUN: not nncc-opt %s --nncc-attach-target="target=%nncc_src/test/Target/Inputs/broken/enum-typo.yaml" 2>&1 | FileCheck %s --check-prefix=BROKEN
// BROKEN: enum-typo.yaml:7:9: device.kind: expected one of rram|pcm|fefet|flash|sram|mram|ecram, got 'reram' (did you mean 'rram'?)
// RUN: not nncc-opt %s --nncc-attach-target 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: error: nncc-attach-target needs target=<chip.yaml>
module {
}
