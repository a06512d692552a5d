//===- KnownAttributes.cpp - The attributes each ONNX operator takes ------===//
//
// ONNX's checker rejects a node carrying an attribute its operator's schema
// does not declare ("Unrecognized attribute"); so does the importer, rather
// than ignore what the exporter meant (issue #13).  Each list is the union
// over opsets 1-17 of the operator's schema in ONNX's operator docs
// (docs/Operators.md and docs/Changelog.md of ONNX 1.12), including the
// attributes of old versions that the importers read or refuse
// (consumed_inputs, is_test, broadcast, spatial, paddings...).
//
//===----------------------------------------------------------------------===//
#include "NodeImporter.h"

#include "llvm/ADT/StringMap.h"

using namespace nncc::detail;

const std::vector<llvm::StringRef> *
nncc::detail::knownAttributes(llvm::StringRef opType) {
  using List = std::vector<llvm::StringRef>;
  static const List arithmetic = {"axis", "broadcast", "consumed_inputs"};
  static const List unary = {"consumed_inputs"};
  static const List none = {};
  static const llvm::StringMap<List> table = {
      {"Add", arithmetic},
      {"Sub", arithmetic},
      {"Mul", arithmetic},
      {"Div", arithmetic},
      {"AveragePool",
       {"auto_pad", "ceil_mode", "count_include_pad", "dilations",
        "kernel_shape", "pads", "strides"}},
      {"BatchNormalization",
       {"consumed_inputs", "epsilon", "is_test", "momentum", "spatial",
        "training_mode"}},
      {"Clip", {"consumed_inputs", "max", "min"}},
      {"Concat", {"axis"}},
      {"Constant",
       {"sparse_value", "value", "value_float", "value_floats", "value_int",
        "value_ints", "value_string", "value_strings"}},
      {"Conv",
       {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"}},
      {"Dropout", {"consumed_inputs", "is_test", "ratio", "seed"}},
      {"Flatten", {"axis"}},
      {"Gemm", {"alpha", "beta", "broadcast", "transA", "transB"}},
      {"GlobalAveragePool", none},
      {"Identity", none},
      {"LeakyRelu", {"alpha", "consumed_inputs"}},
      {"MatMul", none},
      {"MaxPool",
       {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
        "storage_order", "strides"}},
      {"Pad", {"mode", "paddings", "pads", "value"}},
      {"Relu", unary},
      {"Reshape", {"allowzero", "consumed_inputs", "shape"}},
      {"Sigmoid", unary},
      {"Softmax", {"axis"}},
      {"Squeeze", {"axes"}},
      {"Tanh", unary},
      {"Transpose", {"perm"}},
      {"Unsqueeze", {"axes"}},
      // Encoder operators (issue #16).
      {"Cast", {"to"}},
      {"ConstantOfShape", {"value"}},
      {"Equal", {"axis", "broadcast"}},
      {"Erf", none},
      {"Exp", unary},
      {"Expand", none},
      {"Gather", {"axis"}},
      {"LayerNormalization", {"axis", "epsilon", "stash_type"}},
      {"Pow", {"axis", "broadcast"}},
      {"Range", none},
      {"ReduceMax", {"axes", "keepdims"}},
      {"ReduceMean", {"axes", "keepdims"}},
      {"ReduceMin", {"axes", "keepdims"}},
      {"ReduceSum", {"axes", "keepdims", "noop_with_empty_axes"}},
      {"Shape", {"end", "start"}},
      {"Slice", {"axes", "ends", "starts"}},
      {"Split", {"axis", "split"}},
      {"Sqrt", unary},
      {"Where", none},
      // Quantization (issue #16).  Opset 19's `saturate` is not listed:
      // nncc reads opsets up to 17.
      {"ConvInteger",
       {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"}},
      {"DequantizeLinear", {"axis"}},
      {"DynamicQuantizeLinear", none},
      {"MatMulInteger", none},
      {"QLinearConv",
       {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"}},
      {"QLinearMatMul", none},
      {"QuantizeLinear", {"axis"}},
      // DynamicQuantizeLinear's function body.
      {"Max", unary},
      {"Min", unary},
      {"Round", none},
  };
  auto it = table.find(opType);
  return it == table.end() ? nullptr : &it->second;
}
