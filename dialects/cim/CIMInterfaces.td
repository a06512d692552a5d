//===- CIMInterfaces.td - Interfaces of the cim dialect ----*- tablegen -*-===//
//
// CIM_BodyOpInterface is the meaning of a `cim.layer` body op: how it turns
// its operands into its results on a block of input vectors.  The integer
// datapath executor (lib/Execution) and the accuracy simulator
// (lib/Simulation) both run a body through it, so that an op added to the
// body is defined once, by its implementation of this interface.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_CIM_INTERFACES_TD
#define NNCC_DIALECT_CIM_INTERFACES_TD

include "mlir/IR/OpBase.td"

def CIM_BodyOpInterface : OpInterface<"BodyOpInterface"> {
  let cppNamespace = "::nncc::cim";
  let description = [{
    An op that can appear in a `cim.layer` body.  `evaluate` computes its
    results from its operands' values on one block of the layer's input
    vectors (every body op works vector by vector, so the evaluator may cut
    the P vectors of the IR's types into blocks).

    Values are host tensors (nncc/Runtime/Tensor.h) in one of two domains:
    exact integers (the IR's i32 / i64 element types), as the bit-exact
    datapath executor computes them, or f64 values, as the accuracy
    simulator's physical reads produce them.  An implementation handles
    both, so that the executor and the simulator cannot drift apart.

    Whatever depends on the physical array (the column sums of a cim.mvm,
    the codes of a cim.adc) comes from the evaluation's ArrayReader
    (nncc/Dialect/CIM/BodyEvaluation.h): an ideal digital one in the
    executor, a physical one in the simulator.
  }];
  let methods = [
    InterfaceMethod<[{
        Computes the op's results on the evaluation's block of input
        vectors; `results` has one empty tensor per result of the op.
      }],
      "::llvm::Error", "evaluate",
      (ins "::nncc::cim::BodyEvaluation &":$evaluation,
           "::llvm::ArrayRef<const ::nncc::runtime::Tensor *>":$operands,
           "::llvm::MutableArrayRef<::nncc::runtime::Tensor>":$results)>,
  ];
}

#endif // NNCC_DIALECT_CIM_INTERFACES_TD
