// tile_tb.sv - replays `nncc export vectors` of one tile (docs/verification-vectors.md)
//
//   iverilog -g2012 -c <vectors>/array<K>.tb.f -o tb.vvp \
//     examples/verification/tile_tb.sv examples/verification/cim_tile_periphery.sv
//   vvp -n tb.vvp +vectors=<vectors>/array<K>
//
// array<K>.tb.f sets the parameters below from the exported tile.  Two
// checks, each against every value of the files:
//   1. every ADC code is what the programming image and the driven digits
//      give: per line and column, sum = sum over rows of digit x level /
//      LEVEL_STRIDE, code = clamp(round(sum / ADC_STEP), MIN_CODE,
//      MAX_CODE) x ADC_STEP (rounding half away from zero);
//   2. the codes, replayed line by line through cim_tile_periphery, give
//      every expected output (array<K>.partials.hex).
// Prints `PASS: ...` with the counts, or the first mismatch and $fatal.
module tile_tb;
  parameter int ROWS = 1, COLS = 1, WEIGHT_COLS = 1, SLICES = 1;
  parameter int POLARITIES = 1, REFERENCE = 0, SLICE_BEGIN = 0;
  parameter int BITS_PER_CELL = 1, DAC_BITS = 1, CYCLES = 1;
  parameter int INPUT_SIGNED = 0, SCHEME = 0, SUBTRACT = 0;
  parameter int ROW_GROUPS = 1, READ_PHASES = 1, LINES = 1, VECTORS = 1;
  localparam int PARTS = ROW_GROUPS * READ_PHASES;  // lines per cycle
  parameter int LEVEL_BITS = 1, LEVEL_STRIDE = 1, DIGIT_BITS = 2;
  parameter int CODE_BITS = 8, ADC_STEP = 1, MIN_CODE = 0, MAX_CODE = 1;
  localparam int ACC_BITS = 64;

  logic [LEVEL_BITS-1:0] levels[0:ROWS*COLS-1];
  logic [DIGIT_BITS-1:0] digits[0:LINES*ROWS-1];
  logic [CODE_BITS-1:0] codes[0:LINES*COLS-1];
  logic [ACC_BITS-1:0] expected[0:VECTORS*WEIGHT_COLS-1];
  logic [31:0] offset_words[0:WEIGHT_COLS-1];

  logic clk = 0, rst_n = 0, in_valid = 0, first = 0, last = 0, negate = 0;
  logic [15:0] cycle = 0;
  logic [COLS*CODE_BITS-1:0] line_codes;
  logic [WEIGHT_COLS*32-1:0] offsets;
  logic out_valid;
  logic [WEIGHT_COLS*ACC_BITS-1:0] outputs;

  cim_tile_periphery #(
      .COLS(COLS), .WEIGHT_COLS(WEIGHT_COLS), .SLICES(SLICES),
      .POLARITIES(POLARITIES), .REFERENCE(REFERENCE),
      .SLICE_BEGIN(SLICE_BEGIN), .BITS_PER_CELL(BITS_PER_CELL),
      .DAC_BITS(DAC_BITS), .CYCLES(CYCLES), .INPUT_SIGNED(INPUT_SIGNED),
      .SCHEME(SCHEME), .SUBTRACT(SUBTRACT), .CODE_BITS(CODE_BITS),
      .ACC_BITS(ACC_BITS)
  ) dut (
      .clk(clk), .rst_n(rst_n), .in_valid(in_valid), .first(first),
      .last(last), .cycle(cycle), .negate(negate), .codes(line_codes),
      .offsets(offsets),
      .out_valid(out_valid), .outputs(outputs)
  );

  always #5 clk = ~clk;

  // The ADC of cim.adc on an exact column sum.
  function automatic longint adc(longint sum);
    longint magnitude, code;
    magnitude = ((sum < 0 ? -sum : sum) * 2 + ADC_STEP) / (2 * ADC_STEP);
    code = sum < 0 ? -magnitude : magnitude;
    if (code < MIN_CODE) code = MIN_CODE;
    if (code > MAX_CODE) code = MAX_CODE;
    return code * ADC_STEP;
  endfunction

  string prefix;
  longint sums[COLS];
  longint got, want, digit;
  int checked_codes = 0, checked_outputs = 0, line;

  initial begin
    if (!$value$plusargs("vectors=%s", prefix))
      $fatal(1, "FAIL: give +vectors=<dir>/array<K>");
    $readmemh({prefix, ".levels.hex"}, levels);
    $readmemh({prefix, ".digits.hex"}, digits);
    $readmemh({prefix, ".codes.hex"}, codes);
    $readmemh({prefix, ".partials.hex"}, expected);
    $readmemh({prefix, ".offsets.hex"}, offset_words);
    for (int n = 0; n < WEIGHT_COLS; n++) offsets[n*32+:32] = offset_words[n];

    // 1. The ADC codes against the programming image x the driven digits.
    for (int l = 0; l < LINES; l++) begin
      for (int c = 0; c < COLS; c++) sums[c] = 0;
      for (int r = 0; r < ROWS; r++) begin
        digit = $signed(digits[l*ROWS+r]);
        if (digit != 0)
          for (int c = 0; c < COLS; c++) sums[c] += digit * levels[r*COLS+c];
      end
      for (int c = 0; c < COLS; c++) begin
        want = adc(sums[c] / LEVEL_STRIDE);
        got = $signed(codes[l*COLS+c]);
        if (got !== want)
          $fatal(1, "FAIL: line %0d column %0d: ADC code %0d, the image and digits give %0d",
                 l, c, got, want);
        checked_codes++;
      end
    end

    // 2. The codes through the periphery against the expected outputs.
    repeat (2) @(negedge clk);
    rst_n = 1;
    line = 0;
    for (int v = 0; v < VECTORS; v++) begin
      for (int l = 0; l < CYCLES * PARTS; l++) begin
        int phase;
        @(negedge clk);
        in_valid = 1;
        first = l == 0;
        last = l == CYCLES * PARTS - 1;
        cycle = l / PARTS;
        // Phase q of a four-phase read drives weight polarity q & 1 with
        // inputs of sign q >> 1: the sum joins with their product's sign.
        phase = (l % PARTS) % READ_PHASES;
        negate = READ_PHASES > 1 && ((phase & 1) != (phase >> 1));
        for (int c = 0; c < COLS; c++)
          line_codes[c*CODE_BITS+:CODE_BITS] = codes[line*COLS+c];
        line++;
      end
      @(negedge clk);
      in_valid = 0;
      if (!out_valid) $fatal(1, "FAIL: vector %0d: no output", v);
      for (int n = 0; n < WEIGHT_COLS; n++) begin
        got = $signed(outputs[n*ACC_BITS+:ACC_BITS]);
        want = $signed(expected[v*WEIGHT_COLS+n]);
        if (got !== want)
          $fatal(1, "FAIL: vector %0d column %0d: output %0d, expected %0d",
                 v, n, got, want);
        checked_outputs++;
      end
    end
    $display("PASS: %0d lines, %0d ADC codes, %0d vectors, %0d outputs match",
             LINES, checked_codes, VECTORS, checked_outputs);
    $finish;
  end
endmodule
