// RUN: nncc-opt %s -split-input-file -verify-diagnostics
// The digital datapath ops by themselves: ADC readout, shift-and-add,
// polarity combination and partial-sum accumulation.

func.func @adc_bits(%s: tensor<2x1x1x2xi32>) -> tensor<2x1x1x2xi32> {
  // expected-error @+1 {{bits must be in [1, 24] and step positive}}
  %c = cim.adc %s {bits = 8 : i64, step = 0 : i64} : tensor<2x1x1x2xi32>
  return %c : tensor<2x1x1x2xi32>
}

