//===- CIMTestOps.td - A test-only body op for the cim dialect -*- tablegen -*-===//
//
// `cimtest.scale` multiplies a tile's partial sums by an integer factor.  It
// exists only in the unit tests, to show that a body op defined once, by
// its CIM_BodyOpInterface implementation, runs in both the datapath
// executor and the accuracy simulator (BodyOpExtensionTest.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_TEST_CIMTESTOPS_TD
#define NNCC_TEST_CIMTESTOPS_TD

include "mlir/IR/OpBase.td"
include "CIMInterfaces.td"

def CIMTest_Dialect : Dialect {
  let name = "cimtest";
  let summary = "Test-only extensions of the cim.layer body";
  let cppNamespace = "::nncc::cimtest";
}

def CIMTest_ScaleOp : Op<CIMTest_Dialect, "scale",
    [DeclareOpInterfaceMethods<CIM_BodyOpInterface>]> {
  let summary = "partial * factor";
  let arguments = (ins AnyRankedTensor:$partial, I64Attr:$factor);
  let results = (outs AnyRankedTensor:$scaled);
  let assemblyFormat =
      "$partial attr-dict `:` functional-type(operands, results)";
}

#endif // NNCC_TEST_CIMTESTOPS_TD
