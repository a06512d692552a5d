//===- main.cpp - Compile a model through nncc's library API --------------===//
//
// A program that embeds nncc (docs/embedding.md): it maps an ONNX model onto
// a bundled chip, writes nncc compile's output directory and prints a few
// figures of the PPA report.
//
//   embed MODEL.onnx TARGET OUTDIR
//
// TARGET is a chip description file or a bundled target's name, looked up
// in NNCC_TARGETS_DIR (the installed share/nncc/targets, given by the build:
// find_package's NNCC_TARGETS_DIR or pkg-config's targetsdir).
//
//===----------------------------------------------------------------------===//
#include "nncc/Driver/CompileModel.h"

#include "llvm/Support/Error.h"

#include <cstdio>
#include <string>

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s MODEL.onnx TARGET OUTDIR\n", argv[0]);
    return 1;
  }
  // nncc compile's options, with its defaults (CompileOptions.h).
  nncc::driver::CompileOptions options;
  options.placementSeed = 1;
  llvm::Expected<nncc::driver::CompiledModel> compiled =
      nncc::driver::compileModel(argv[1], argv[2], {NNCC_TARGETS_DIR}, argv[3],
                                 options);
  if (!compiled) {
    std::fprintf(stderr, "error: %s\n",
                 llvm::toString(compiled.takeError()).c_str());
    return 1;
  }
  // What nncc compile says as `note:` and `warning:` lines.
  for (const std::string &note : compiled->result.assumptions)
    std::fprintf(stderr, "note: %s\n", note.c_str());
  for (const std::string &warning : compiled->warnings)
    std::fprintf(stderr, "warning: %s\n", warning.c_str());
  const nncc::ppa::ChipPPA &ppa = compiled->result.report.ppa;
  std::printf("target: %s\n", compiled->targetPath.c_str());
  std::printf("files: %zu\n", compiled->files.size());
  std::printf("energy per inference: %.6g J\n", ppa.energy);
  std::printf("latency: %.6g s\n", ppa.latency);
  std::printf("TOPS/W: %.6g\n", ppa.topsPerWatt());
  return 0;
}
