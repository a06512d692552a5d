//===- ProgramFile.h - Reading compiled programs ----------------*- C++ -*-===//
//
// Every nncc tool that reads a compiled program (mapped.mlir: nncc run,
// simulate, check, nncc-opt) reads it through here, because MLIR 19's
// bytecode reader trusts the file (each found by the program fuzzer, issue
// #13, docs/reliability.md): a resource entry's kind byte indexes a name
// table unchecked (abort); an attribute that refers to itself recursed
// until the stack overflowed; an operation's region count sized a vector
// (abort); damaged resources made it free memory it did not own; dense
// attributes shorter than their type, or of tensors, made the printer read
// past them; some files make it loop forever or fail without a diagnostic.  So
// bytecode gets a check of its framing (magic, version, producer, sections,
// table counts, the resource table), the reader a bound on its recursion, and
// its first read happens in a child process, with a deadline, that checks dense
// data and writes the program back with MLIR's writer: the tool parses only
// that.  Any failure is one error diagnostic.  Everything MLIR 19's writer
// produces passes.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_PROGRAMFILE_H
#define NNCC_SUPPORT_PROGRAMFILE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

namespace nncc {

/// The program in `buffer` as nncc's readers hand it to MLIR: text whose
/// brackets nest at most 256 deep (MLIR's text parser recursed 8 000 levels
/// into a stack overflow), or bytecode whose framing checks out, read once
/// in a child process and written back by MLIR's writer.  `registry` and
/// `allowUnregistered` are those of the context that will parse it.  The
/// error, one line, says why the program is refused (not which file).
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
screenProgram(std::unique_ptr<llvm::MemoryBuffer> buffer,
              const mlir::DialectRegistry &registry, bool allowUnregistered);

/// Parses the program in `buffer` (text or bytecode) into `context` after
/// screenProgram, verifying it; null after at least one error diagnostic
/// (located in the buffer's identifier), also where MLIR's reader itself
/// gives none.
mlir::OwningOpRef<mlir::ModuleOp>
parseProgram(std::unique_ptr<llvm::MemoryBuffer> buffer,
             mlir::MLIRContext &context);

/// Same, for the file at `path`.
mlir::OwningOpRef<mlir::ModuleOp> parseProgramFile(llvm::StringRef path,
                                                   mlir::MLIRContext &context);

} // namespace nncc

#endif // NNCC_SUPPORT_PROGRAMFILE_H
