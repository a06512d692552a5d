//===- OnnxImportFuzzer.cpp - Bytes as an ONNX model ----------------------===//
//
// The importer's contract (OnnxImporter.h): any file either imports into a
// module that verifies, or fails with at least one error diagnostic; never
// a crash, a hang or an allocation beyond the file's own size class.
//
//===----------------------------------------------------------------------===//
#include "FuzzerSupport.h"

#include "nncc/Import/OnnxImporter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

using namespace nncc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = fuzz::writeScratchFile(fuzz::bytesOf(data, size), ".onnx");
  fuzz::InputContext input;
  mlir::MLIRContext &context = input.get();
  mlir::OwningOpRef<mlir::ModuleOp> module = importOnnxFile(path, context);
  if (!module) {
    if (input.errors() == 0)
      fuzz::contractBroken("the import failed without an error");
    return 0;
  }
  if (input.errors() != 0)
    fuzz::contractBroken("the import reported an error yet returned a module");
  if (mlir::failed(mlir::verify(*module)))
    fuzz::contractBroken("the imported module does not verify");
  module->print(llvm::nulls());
  return 0;
}
