//===- Diagnostics.cpp - One-line diagnostics for tools -------------------===//
#include "nncc/Support/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

Location nncc::makeNodeLoc(MLIRContext *context, llvm::StringRef file,
                           llvm::StringRef nodeName, llvm::StringRef opType) {
  Location fileLoc = FileLineColLoc::get(context, file, 0, 0);
  Location name = NameLoc::get(StringAttr::get(context, nodeName), fileLoc);
  return FusedLoc::get(context, {name}, StringAttr::get(context, opType));
}

std::string nncc::nodeNameOf(Location loc) {
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(inner))
        return name.getName().str();
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  return "";
}

std::string nncc::layerNameOf(Operation *op) {
  std::string name = nodeNameOf(op->getLoc());
  return name.empty() ? op->getName().stripDialect().str() : name;
}

namespace {

/// The "<file>: node ..." or "<file>:line:col" prefix of a location.
void printLocationPrefix(Location loc, llvm::raw_ostream &os) {
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    auto opType = dyn_cast_or_null<StringAttr>(fused.getMetadata());
    auto name = fused.getLocations().size() == 1
                    ? dyn_cast<NameLoc>(fused.getLocations().front())
                    : NameLoc();
    if (opType && name) {
      if (auto file = dyn_cast<FileLineColLoc>(name.getChildLoc()))
        os << file.getFilename().getValue() << ": ";
      llvm::StringRef nodeName = name.getName().getValue();
      if (nodeName.starts_with("#"))
        os << "node " << nodeName;
      else
        os << "node '" << nodeName << "'";
      os << " (" << opType.getValue() << "): ";
      return;
    }
    if (!fused.getLocations().empty())
      return printLocationPrefix(fused.getLocations().front(), os);
  }
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    os << file.getFilename().getValue();
    if (file.getLine() != 0)
      os << ':' << file.getLine() << ':' << file.getColumn();
    os << ": ";
    return;
  }
  if (auto name = dyn_cast<NameLoc>(loc))
    return printLocationPrefix(name.getChildLoc(), os);
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return printLocationPrefix(callSite.getCallee(), os);
}

} // namespace

std::string nncc::formatOneLine(const Diagnostic &diag) {
  std::string text;
  llvm::raw_string_ostream os(text);
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error: os << "error: "; break;
  case DiagnosticSeverity::Warning: os << "warning: "; break;
  case DiagnosticSeverity::Note: os << "note: "; break;
  case DiagnosticSeverity::Remark: os << "remark: "; break;
  }
  printLocationPrefix(diag.getLocation(), os);
  os << diag.str();
  // One problem, one line: fold newlines from messages and from names that
  // came out of the input file.
  for (char &c : text)
    if (c == '\n' || c == '\r')
      c = ' ';
  return text;
}

nncc::OneLineDiagnostics::OneLineDiagnostics(MLIRContext &context)
    : handler(&context, [this](Diagnostic &diag) {
        if (diag.getSeverity() == DiagnosticSeverity::Error)
          ++errors;
        if (diag.getSeverity() == DiagnosticSeverity::Error ||
            diag.getSeverity() == DiagnosticSeverity::Warning)
          llvm::errs() << formatOneLine(diag) << '\n';
        return success();
      }) {}
