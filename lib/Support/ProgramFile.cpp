//===- ProgramFile.cpp - Reading compiled programs, text or bytecode ------===//
//
// The bytecode framing follows MLIR's docs/BytecodeFormat.md (version 6,
// MLIR 19): "ML\xefR", a version VarInt, a null-terminated producer string,
// then sections, each a byte (id in the low 7 bits, bit 7: an alignment
// follows), a length VarInt, the alignment VarInt and padding bytes 0xCB up
// to that alignment, then the section's bytes.
//
//===----------------------------------------------------------------------===//
#include "nncc/Support/ProgramFile.h"

#include "mlir/Bytecode/BytecodeImplementation.h"
#include "mlir/Bytecode/BytecodeReader.h"
#include "mlir/Bytecode/BytecodeReaderConfig.h"
#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <csignal>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace nncc;

namespace {

constexpr llvm::StringLiteral kBytecodeMagic("ML\xefR");
/// Section ids of MLIR 19 (mlir/Bytecode/Encoding.h): string, dialect,
/// attribute/type, their offsets, IR, resource, resource offsets, dialect
/// versions, properties.
constexpr unsigned kNumSections = 9;
constexpr unsigned kStringSection = 0, kDialectSection = 1,
                   kAttrTypeOffsetSection = 3, kResourceSection = 5,
                   kResourceOffsetSection = 6, kPropertiesSection = 8;
/// AsmResourceEntryKind: blob, bool, string.
constexpr unsigned kNumResourceKinds = 3;
constexpr uint8_t kAlignmentByte = 0xCB;

/// A cursor over bytes, reporting the first problem with its offset.
class ByteReader {
public:
  ByteReader(llvm::StringRef bytes, const char *fileStart)
      : bytes(bytes), fileStart(fileStart) {}

  bool atEnd() const { return at >= bytes.size(); }
  size_t offset() const { return bytes.data() + at - fileStart; }
  const char *pointer() const { return bytes.data() + at; }

  std::optional<uint8_t> byte() {
    if (atEnd())
      return std::nullopt;
    return static_cast<uint8_t>(bytes[at++]);
  }

  /// A PrefixVarInt: the trailing zero bits of the first byte count the
  /// bytes that follow (a zero first byte: eight, holding the whole value).
  std::optional<uint64_t> varInt() {
    std::optional<uint8_t> first = byte();
    if (!first)
      return std::nullopt;
    unsigned extra = *first == 0 ? 8 : llvm::countr_zero(*first);
    if (bytes.size() - at < extra)
      return std::nullopt;
    uint64_t value = 0;
    for (unsigned i = 0; i < extra; ++i)
      value |= uint64_t(static_cast<uint8_t>(bytes[at + i])) << (8 * i);
    at += extra;
    if (*first == 0)
      return value;
    return (value << (7 - extra)) | (uint64_t(*first) >> (extra + 1));
  }

  llvm::StringRef take(uint64_t count) {
    llvm::StringRef taken = bytes.substr(at, count);
    at += taken.size();
    return taken;
  }

private:
  llvm::StringRef bytes;
  const char *fileStart;
  size_t at = 0;
};

llvm::Error malformed(const llvm::Twine &what, size_t offset) {
  return llvm::createStringError("malformed MLIR bytecode: " + what +
                                 " at byte " + llvm::Twine(offset));
}

/// The resource offset section: a count of external resource groups, then
/// groups (key, entry count, entries of key, size and kind) to its end.  The
/// entries' sizes must fit in the resource section.
llvm::Error checkResourceOffsets(llvm::StringRef section, const char *file,
                                 uint64_t resourceBytes) {
  ByteReader reader(section, file);
  std::optional<uint64_t> groups = reader.varInt();
  if (!groups || *groups > section.size())
    return malformed("bad resource group count", reader.offset());
  uint64_t total = 0;
  while (!reader.atEnd()) {
    std::optional<uint64_t> key = reader.varInt();
    std::optional<uint64_t> entries = key ? reader.varInt() : std::nullopt;
    if (!entries || *entries > section.size())
      return malformed("bad resource group", reader.offset());
    for (uint64_t i = 0; i < *entries; ++i) {
      size_t entryOffset = reader.offset();
      std::optional<uint64_t> entryKey = reader.varInt();
      std::optional<uint64_t> size = entryKey ? reader.varInt() : std::nullopt;
      std::optional<uint8_t> kind = size ? reader.byte() : std::nullopt;
      if (!kind)
        return malformed("truncated resource entry", entryOffset);
      if (*kind >= kNumResourceKinds)
        return malformed("unknown resource kind " +
                             llvm::Twine(unsigned(*kind)),
                         reader.offset() - 1);
      if (*size > resourceBytes - total)
        return malformed("resource entry larger than the resource section",
                         entryOffset);
      total += *size;
    }
  }
  return llvm::Error::success();
}

/// Stack the bytecode reader may use below the parse's entry before an
/// attribute or type is refused: legitimate nesting (a few levels, a few
/// hundred bytes each) stays far below it, and it is far from the 8 MiB a
/// thread has.
constexpr intptr_t kReaderStackBytes = intptr_t{1} << 20;

/// MLIR 19's bytecode reader resolves an attribute or type entry by reading
/// the entries it refers to, recursively and with no check for a cycle: an
/// entry that refers to itself overflowed the stack (found by the program
/// fuzzer).  The reader calls these hooks before each custom-encoded entry;
/// they refuse one read too deep below the parse's start.
void guardReaderRecursion(mlir::ParserConfig &config) {
  auto *base = static_cast<const char *>(__builtin_frame_address(0));
  auto guard = [base](mlir::DialectBytecodeReader &reader, llvm::StringRef,
                      auto &entry) -> mlir::LogicalResult {
    auto *here = static_cast<const char *>(__builtin_frame_address(0));
    if (base - here > kReaderStackBytes)
      return reader.emitError()
             << "attributes or types nested too deeply (a cyclic reference?)";
    (void)entry; // left null: the entry's dialect reads it
    return mlir::success();
  };
  mlir::BytecodeReaderConfig &bytecode = config.getBytecodeReaderConfig();
  bytecode.attachAttributeCallback([guard](mlir::DialectBytecodeReader &reader,
                                           llvm::StringRef dialect,
                                           mlir::Attribute &entry) {
    return guard(reader, dialect, entry);
  });
  bytecode.attachTypeCallback(
      [guard](mlir::DialectBytecodeReader &reader, llvm::StringRef dialect,
              mlir::Type &entry) { return guard(reader, dialect, entry); });
}

mlir::OwningOpRef<mlir::ModuleOp> parseGuarded(const llvm::SourceMgr &sourceMgr,
                                               mlir::MLIRContext &context,
                                               bool verify = true) {
  mlir::ParserConfig config(&context, verify);
  guardReaderRecursion(config);
  return mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, config);
}

/// The time MLIR's reader gets for a file: reading takes milliseconds per
/// MiB (VGG-8's 65 MB program: 0.3 s), so this is generous.
unsigned readerDeadlineSeconds(size_t bytes) {
  return 5 + static_cast<unsigned>(bytes >> 20);
}

/// Whether every dense array and dense elements attribute of `module` has
/// a valid element type and holds the bytes its type needs.  MLIR 19's reader
/// builds them from a size and a blob without comparing the two, its writer
/// writes them back as they are, and its printer then read past the blob (heap
/// overflow, found by the program fuzzer).
bool denseDataConsistent(mlir::ModuleOp module) {
  bool consistent = true;
  auto check = [&](mlir::Attribute attr) {
    if (auto array = mlir::dyn_cast<mlir::DenseArrayAttr>(attr)) {
      mlir::Type element = array.getElementType();
      if (!element.isIntOrFloat()) {
        consistent = false;
        return;
      }
      uint64_t bytes = llvm::divideCeil(element.getIntOrFloatBitWidth(), 8);
      consistent &= array.getRawData().size() ==
                    static_cast<uint64_t>(array.getSize()) * bytes;
    } else if (auto dense =
                   mlir::dyn_cast<mlir::DenseIntOrFPElementsAttr>(attr)) {
      // Elements are integers, indices, floats or complex numbers of those;
      // the reader also accepted tensors of tensors, whose printer then
      // read past the data.
      mlir::Type element = dense.getElementType();
      if (auto complex = mlir::dyn_cast<mlir::ComplexType>(element))
        element = complex.getElementType();
      if (!element.isIntOrIndexOrFloat()) {
        consistent = false;
        return;
      }
      // A one-element buffer is valid for any shape as a splat; the
      // attribute must then say it is one, or readers index past it.
      bool splat = false;
      consistent &= mlir::DenseElementsAttr::isValidRawBuffer(
                        dense.getType(), dense.getRawData(), splat) &&
                    (splat == dense.isSplat() || dense.getNumElements() == 1);
    }
  };
  module->walk([&](mlir::Operation *op) {
    op->getAttrDictionary().walk(check);
    if (mlir::Attribute properties = op->getPropertiesAsAttribute())
      properties.walk(check);
  });
  return consistent;
}

/// Reads all of `fd` (up to `limit` bytes kept) and closes it.
std::string readAll(int fd, size_t limit) {
  std::string bytes;
  char chunk[65536];
  for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) != 0;) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    if (bytes.size() < limit)
      bytes.append(chunk, std::min<size_t>(n, limit - bytes.size()));
  }
  ::close(fd);
  return bytes;
}

constexpr llvm::StringLiteral kDiagnosticPrefix = "nncc-reader-error: ";
constexpr int kRefusedSilently = 3;
constexpr llvm::StringLiteral kRefusedWithoutReason =
    "cannot read the program: MLIR's reader refused it without a reason (a "
    "damaged file?)";

/// Runs MLIR's bytecode reader on the file in a child process, which writes
/// the program back with MLIR's bytecode writer; the caller then reads only
/// that rewritten bytecode.  MLIR 19's reader trusts sizes and indices of
/// the file beyond what checkBytecodeStructure sees: an operation's region
/// count of 10^17 ended in "LLVM ERROR: SmallVector unable to grow", and
/// damaged resource encodings freed memory the reader did not own (both
/// found by the program fuzzer).  Such a reader aborts or corrupts memory
/// in the child; what the caller reads was written by MLIR's writer.  The
/// child does not verify: nncc's verifier runs in the caller, where a crash
/// stays a crash.  Returns the rewritten bytecode, or why the file was
/// refused (the reader's first error, LLVM's message or the signal).
llvm::Expected<std::string>
rewriteInChild(std::unique_ptr<llvm::MemoryBuffer> buffer,
               const mlir::DialectRegistry &registry, bool allowUnregistered) {
  const unsigned deadline = readerDeadlineSeconds(buffer->getBufferSize());
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  int data[2], messages[2];
  if (::pipe(data) != 0)
    return llvm::createStringError("cannot create a pipe");
  if (::pipe(messages) != 0) {
    ::close(data[0]);
    ::close(data[1]);
    return llvm::createStringError("cannot create a pipe");
  }
  llvm::outs().flush();
  llvm::errs().flush();
  pid_t child = ::fork();
  if (child < 0) {
    for (int fd : {data[0], data[1], messages[0], messages[1]})
      ::close(fd);
    return llvm::createStringError("cannot start a process");
  }
  if (child == 0) {
    ::close(data[0]);
    ::close(messages[0]);
    // LLVM's fatal-error message goes to the parent, which folds it into
    // its one error line; a fault kills the child plainly, not through the
    // handlers the caller installed for itself (stack dumps, a fuzzer's
    // crash report).
    ::dup2(messages[1], STDERR_FILENO);
    for (int signal : {SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP})
      std::signal(signal, SIG_DFL);
    // Likewise LLVM's fatal errors take LLVM's own path ("LLVM ERROR:",
    // read below), not the tools' internal-error handler
    // (Support/ExitStatus.h): here they mean a damaged file, bad input.
    llvm::remove_fatal_error_handler();
    // Some damaged files make the reader loop forever (found by the program
    // fuzzer): the child has a deadline, and dies with its caller.
    std::signal(SIGALRM, SIG_DFL);
    ::alarm(deadline);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    mlir::MLIRContext scratch(registry, mlir::MLIRContext::Threading::DISABLED);
    scratch.allowUnregisteredDialects(allowUnregistered);
    std::string firstError;
    mlir::ScopedDiagnosticHandler keep(&scratch, [&](mlir::Diagnostic &d) {
      if (d.getSeverity() == mlir::DiagnosticSeverity::Error &&
          firstError.empty())
        firstError = d.str();
      return mlir::success();
    });
    mlir::OwningOpRef<mlir::ModuleOp> module =
        parseGuarded(sourceMgr, scratch, /*verify=*/false);
    if (module && !denseDataConsistent(*module))
      firstError = "malformed MLIR bytecode: a dense attribute whose data does "
                   "not match its type";
    if (!module || !firstError.empty()) {
      if (firstError.empty())
        ::_exit(kRefusedSilently);
      llvm::errs() << kDiagnosticPrefix << firstError << "\n";
      llvm::errs().flush();
      ::_exit(1);
    }
    {
      llvm::raw_fd_ostream os(data[1], /*shouldClose=*/true);
      if (mlir::failed(mlir::writeBytecodeToFile(*module, os)))
        ::_exit(1);
    }
    ::_exit(0); // no exit handlers or leak checks of the caller's process
  }
  ::close(data[1]);
  ::close(messages[1]);
  std::string rewritten = readAll(data[0], SIZE_MAX);
  std::string output = readAll(messages[0], 65536);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return rewritten;
  llvm::StringRef text = llvm::StringRef(output).trim();
  size_t diagnostic = text.find(kDiagnosticPrefix);
  if (diagnostic != llvm::StringRef::npos)
    return llvm::createStringError(
        text.substr(diagnostic + kDiagnosticPrefix.size())
            .split('\n')
            .first.trim());
  if (WIFEXITED(status) && WEXITSTATUS(status) == kRefusedSilently)
    return llvm::createStringError(kRefusedWithoutReason);
  std::string reason =
      WIFSIGNALED(status)
          ? "it crashed with signal " + std::to_string(WTERMSIG(status))
          : "it stopped with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    reason = "it did not finish within " + std::to_string(deadline) + " s";
  size_t llvmError = text.find("LLVM ERROR: ");
  if (llvmError != llvm::StringRef::npos)
    reason = text.substr(llvmError + 12).split('\n').first.trim().str();
  return llvm::createStringError(
      "cannot read the program: MLIR's bytecode reader failed on it (" +
      reason + "; a damaged file?)");
}

/// Deepest bracket nesting a text program may have.  MLIR's text parser
/// recurses once per level with no bound of its own: 8 000 nested `[`
/// overflowed its stack (found by the program fuzzer).  Programs nest a few
/// levels (a dense literal: its rank).
constexpr int kMaxTextNesting = 256;

/// Checks that text nests brackets at most kMaxTextNesting deep, outside
/// string literals and comments.
llvm::Error checkTextNesting(llvm::StringRef text) {
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      i = text.find('\n', i);
      if (i == llvm::StringRef::npos)
        break;
    } else if (c == '[' || c == '(' || c == '{' || c == '<') {
      if (++depth > kMaxTextNesting)
        return llvm::createStringError("brackets nested more than " +
                                       llvm::Twine(kMaxTextNesting) +
                                       " deep at byte " + llvm::Twine(i));
    } else if ((c == ']' || c == ')' || c == '}' || c == '>') && depth > 0) {
      --depth;
    }
  }
  return llvm::Error::success();
}

/// Checks the framing of MLIR bytecode in `buffer`, or the nesting of text.
llvm::Error checkProgramStructure(llvm::StringRef buffer) {
  if (!buffer.starts_with(kBytecodeMagic))
    return checkTextNesting(buffer);
  ByteReader reader(buffer.drop_front(kBytecodeMagic.size()), buffer.data());
  if (!reader.varInt())
    return malformed("truncated version", reader.offset());
  size_t producerOffset = reader.offset();
  while (true) {
    std::optional<uint8_t> c = reader.byte();
    if (!c)
      return malformed("unterminated producer string", producerOffset);
    if (*c == 0)
      break;
  }
  std::optional<llvm::StringRef> sections[kNumSections];
  while (!reader.atEnd()) {
    size_t headerOffset = reader.offset();
    uint8_t header = *reader.byte();
    unsigned id = header & 0x7f;
    if (id >= kNumSections)
      return malformed("unknown section id " + llvm::Twine(id), headerOffset);
    if (sections[id])
      return malformed("repeated section " + llvm::Twine(id), headerOffset);
    std::optional<uint64_t> length = reader.varInt();
    if (!length)
      return malformed("truncated section header", headerOffset);
    if (header & 0x80) {
      std::optional<uint64_t> alignment = reader.varInt();
      if (!alignment || !llvm::isPowerOf2_64(*alignment) ||
          *alignment > (uint64_t{1} << 32))
        return malformed("bad section alignment", headerOffset);
      // Padding up to the alignment of the data's address, as the reader
      // computes it.
      while (reinterpret_cast<uintptr_t>(reader.pointer()) % *alignment) {
        std::optional<uint8_t> pad = reader.byte();
        if (!pad || *pad != kAlignmentByte)
          return malformed("bad section padding", reader.offset());
      }
    }
    size_t dataOffset = reader.offset();
    llvm::StringRef data = reader.take(*length);
    if (data.size() != *length)
      return malformed("section " + llvm::Twine(id) + " of " +
                           llvm::Twine(*length) + " bytes runs past the end",
                       dataOffset);
    sections[id] = data;
  }
  // Tables open with their entry counts, which the reader sizes vectors by
  // before reading an entry (a count of 10^18 aborted it: "SmallVector
  // unable to grow").  Every entry takes at least a byte.
  for (auto [id, counts] :
       {std::pair{kStringSection, 1}, std::pair{kDialectSection, 1},
        std::pair{kAttrTypeOffsetSection, 2},
        std::pair{kPropertiesSection, 1}}) {
    if (!sections[id])
      continue;
    ByteReader table(*sections[id], buffer.data());
    for (int i = 0; i < counts; ++i) {
      size_t countOffset = table.offset();
      std::optional<uint64_t> count = table.varInt();
      if (!count || *count > sections[id]->size())
        return malformed("section " + llvm::Twine(id) +
                             " counts more "
                             "entries than it has bytes",
                         countOffset);
    }
  }
  if (sections[kResourceOffsetSection])
    return checkResourceOffsets(
        *sections[kResourceOffsetSection], buffer.data(),
        sections[kResourceSection] ? sections[kResourceSection]->size() : 0);
  return llvm::Error::success();
}

} // namespace

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
nncc::screenProgram(std::unique_ptr<llvm::MemoryBuffer> buffer,
                    const mlir::DialectRegistry &registry,
                    bool allowUnregistered) {
  if (llvm::Error error = checkProgramStructure(buffer->getBuffer()))
    return std::move(error);
  if (!mlir::isBytecode(*buffer))
    return std::move(buffer);
  std::string name = buffer->getBufferIdentifier().str();
  llvm::Expected<std::string> rewritten =
      rewriteInChild(std::move(buffer), registry, allowUnregistered);
  if (!rewritten)
    return rewritten.takeError();
  return llvm::MemoryBuffer::getMemBufferCopy(*rewritten, name);
}

mlir::OwningOpRef<mlir::ModuleOp>
nncc::parseProgram(std::unique_ptr<llvm::MemoryBuffer> buffer,
                   mlir::MLIRContext &context) {
  std::string name = buffer->getBufferIdentifier().str();
  auto fileLoc = mlir::FileLineColLoc::get(&context, name, 0, 0);
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> screened =
      screenProgram(std::move(buffer), context.getDialectRegistry(),
                    context.allowsUnregisteredDialects());
  if (!screened) {
    mlir::emitError(fileLoc) << llvm::toString(screened.takeError());
    return nullptr;
  }
  // MLIR 19's reader fails on some damaged encodings without a diagnostic
  // (found by the program fuzzer): the caller must still get an error.
  bool reported = false;
  mlir::ScopedDiagnosticHandler noteErrors(&context, [&](mlir::Diagnostic &d) {
    reported |= d.getSeverity() == mlir::DiagnosticSeverity::Error;
    return mlir::failure(); // passed on to the caller's handler
  });
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*screened), llvm::SMLoc());
  mlir::OwningOpRef<mlir::ModuleOp> module = parseGuarded(sourceMgr, context);
  if (!module && !reported)
    mlir::emitError(fileLoc) << kRefusedWithoutReason;
  return module;
}

mlir::OwningOpRef<mlir::ModuleOp>
nncc::parseProgramFile(llvm::StringRef path, mlir::MLIRContext &context) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(path);
  if (!buffer) {
    mlir::emitError(mlir::FileLineColLoc::get(&context, path, 0, 0))
        << "cannot read file: " << buffer.getError().message();
    return nullptr;
  }
  return parseProgram(std::move(*buffer), context);
}
