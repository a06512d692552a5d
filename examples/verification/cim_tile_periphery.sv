// cim_tile_periphery.sv - the digital periphery of one CIM tile after its ADC
//
// What nncc's cim.shift_add and cim.combine compute for one tile
// (docs/cim-dialect.md, docs/verification-vectors.md), as synthesizable
// SystemVerilog:
//   - per input vector, one line of ADC codes (every physical column) per
//     (input cycle, row group, read phase) arrives with in_valid; `first`
//     marks the vector's first line, `last` its last;
//   - each column sums its codes weighted by the cycle: code << (cycle *
//     DAC_BITS), negated for the last cycle of signed inputs (row groups of
//     the same cycle add with the same weight), and negated again when
//     `negate` is set (a four-phase read's (+in, G-) and (-in, G+) parts);
//   - after the last line, out_valid rises for one clock with, per weight
//     column n, the slices' column sums shifted by (SLICE_BEGIN + s) *
//     BITS_PER_CELL and added, then combined by the signed scheme:
//     differential columns G+ - G-, differential rows as is, offset scheme
//     minus offset[n] x the reference column's sum (when SUBTRACT).
// Physical column of weight column n, slice s, polarity p:
// REFERENCE + (n * SLICES + s) * POLARITIES + p (nncc/Dialect/CIM/TileLayout.h).
module cim_tile_periphery #(
    parameter int COLS = 1,          // physical columns
    parameter int WEIGHT_COLS = 1,   // weight columns (outputs)
    parameter int SLICES = 1,        // weight slices in the tile
    parameter int POLARITIES = 1,    // 2: differential columns
    parameter int REFERENCE = 0,     // 1: column 0 is the reference column
    parameter int SLICE_BEGIN = 0,
    parameter int BITS_PER_CELL = 1,
    parameter int DAC_BITS = 1,
    parameter int CYCLES = 1,
    parameter int INPUT_SIGNED = 0,  // 1: the last cycle weighs negatively
    parameter int SCHEME = 0,        // 0 differential columns, 1 rows, 2 offset
    parameter int SUBTRACT = 0,      // offset scheme: subtract offset x ref
    parameter int CODE_BITS = 8,     // two's-complement ADC codes
    parameter int ACC_BITS = 64
) (
    input  logic clk,
    input  logic rst_n,
    input  logic in_valid,
    input  logic first,
    input  logic last,
    input  logic [15:0] cycle,
    input  logic negate,
    input  logic [COLS*CODE_BITS-1:0] codes,
    input  logic [WEIGHT_COLS*32-1:0] offsets,  // signed, column n at [32n +: 32]
    output logic out_valid,
    output logic [WEIGHT_COLS*ACC_BITS-1:0] outputs  // column n at [ACC_BITS n +: ACC_BITS]
);
  logic signed [ACC_BITS-1:0] column_sum[COLS];

  // Shift-add over input cycles and row groups.
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      out_valid <= 1'b0;
      for (int c = 0; c < COLS; c++) column_sum[c] <= '0;
    end else begin
      out_valid <= in_valid && last;
      if (in_valid)
        for (int c = 0; c < COLS; c++) begin
          logic signed [ACC_BITS-1:0] code, weighted;
          code = $signed(codes[c*CODE_BITS+:CODE_BITS]);  // sign-extends
          weighted = code <<< (cycle * DAC_BITS);
          if (INPUT_SIGNED != 0 && cycle == CYCLES - 1) weighted = -weighted;
          if (negate) weighted = -weighted;
          column_sum[c] <= (first ? '0 : column_sum[c]) + weighted;
        end
    end
  end

  // Slice weights and the polarity combination, per weight column.
  for (genvar n = 0; n < WEIGHT_COLS; n++) begin : gen_output
    logic signed [ACC_BITS-1:0] magnitude[POLARITIES];
    logic signed [ACC_BITS-1:0] combined;
    logic signed [ACC_BITS-1:0] offset;
    assign offset = $signed(offsets[n*32+:32]);  // sign-extends
    always_comb begin
      for (int p = 0; p < POLARITIES; p++) begin
        magnitude[p] = '0;
        for (int s = 0; s < SLICES; s++)
          magnitude[p] = magnitude[p] +
              (column_sum[REFERENCE + (n * SLICES + s) * POLARITIES + p]
               <<< ((SLICE_BEGIN + s) * BITS_PER_CELL));
      end
      if (SCHEME == 0) combined = magnitude[0] - magnitude[POLARITIES-1];
      else if (SCHEME == 2 && SUBTRACT != 0)
        combined = magnitude[0] - offset * column_sum[0];
      else combined = magnitude[0];
    end
    assign outputs[n*ACC_BITS+:ACC_BITS] = combined;
  end
endmodule
