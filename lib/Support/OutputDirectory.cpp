//===- OutputDirectory.cpp - All-or-nothing writes of several files -------===//
#include "nncc/Support/OutputDirectory.h"

#include "nncc/Support/Errors.h"
#include "nncc/Support/InterruptCleanup.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/Threading.h"

using namespace llvm;
using namespace nncc;

Expected<std::unique_ptr<OutputDirectoryWriter>>
OutputDirectoryWriter::create(StringRef directory) {
  // create_directories accepts an existing *file* of that name, and
  // discard() would then remove it: check both before and after.
  bool existed = sys::fs::exists(directory);
  if (existed && !sys::fs::is_directory(directory))
    return makeError(directory +
                     ": cannot create directory: a file of that name exists");
  {
    // Made and watched in one step: a signal in between would leave an
    // empty directory behind (issue #13).
    DeferInterrupts defer;
    if (std::error_code ec = sys::fs::create_directories(directory))
      return makeError(directory + ": cannot create directory: " +
                       ec.message());
    if (!existed)
      watchCreatedDirectory(directory);
  }
  if (!sys::fs::is_directory(directory))
    return makeError(directory + ": cannot create directory");
  return std::unique_ptr<OutputDirectoryWriter>(
      new OutputDirectoryWriter(directory, !existed));
}

OutputDirectoryWriter::OutputDirectoryWriter(StringRef directory, bool created)
    : directory(directory.str()), createdDirectory(created),
      // Two workers: the large mapped program on one, the rest on the other.
      pool(hardware_concurrency(2)) {}

OutputDirectoryWriter::~OutputDirectoryWriter() {
  pool.wait();
  if (!committed)
    discard();
}

void OutputDirectoryWriter::add(StringRef name,
                                std::function<Error(raw_ostream &)> print) {
  files.push_back(std::make_unique<File>());
  File *file = files.back().get();
  file->name = name.str();
  pool.async([this, file, print = std::move(print)] {
    // An interrupted compile (Ctrl-C, a crash) must not leave temporaries
    // behind; commit() and discard() take the file off the list.  Made and
    // registered in one step that an interrupt waits for, on a thread that
    // never runs the handler (InterruptCleanup.h).
    blockInterruptsOnThisThread();
    if (!beginCreatingTemporary()) {
      file->error = directory + ": interrupted";
      return;
    }
    SmallString<256> model(directory);
    sys::path::append(model, "." + file->name + ".tmp-%%%%%%%%");
    int fd = -1;
    std::error_code ec = sys::fs::createUniqueFile(model, fd, file->temporary);
    if (!ec)
      sys::RemoveFileOnSignal(file->temporary);
    endCreatingTemporary();
    if (ec) {
      file->temporary.clear();
      file->error = directory + ": cannot create a file: " + ec.message();
      return;
    }
    raw_fd_ostream os(fd, /*shouldClose=*/true);
    if (Error e = print(os))
      file->error = file->name + ": " + toString(std::move(e));
    os.close();
    if (os.has_error() && file->error.empty())
      file->error = (file->temporary + ": " + os.error().message()).str();
    // Always: a stream destroyed with an unhandled error aborts.
    os.clear_error();
  });
}

Error OutputDirectoryWriter::commit() {
  pool.wait();
  for (const std::unique_ptr<File> &file : files)
    if (!file->error.empty()) {
      discard();
      return makeError(file->error);
    }
  // No interrupt between the first rename and the last: a signal now waits
  // until the directory is complete (issue #13), then ends the process.
  DeferInterrupts defer;
  for (const std::unique_ptr<File> &file : files) {
    SmallString<256> path(directory);
    sys::path::append(path, file->name);
    if (std::error_code ec = sys::fs::rename(file->temporary, path)) {
      discard();
      return makeError(path + ": cannot write: " + ec.message());
    }
    sys::DontRemoveFileOnSignal(file->temporary);
    file->temporary.clear();
  }
  if (createdDirectory)
    forgetCreatedDirectory();
  committed = true;
  return Error::success();
}

std::vector<std::string> OutputDirectoryWriter::names() const {
  std::vector<std::string> out;
  for (const std::unique_ptr<File> &file : files)
    out.push_back(file->name);
  return out;
}

void OutputDirectoryWriter::discard() {
  DeferInterrupts defer;
  for (const std::unique_ptr<File> &file : files)
    if (!file->temporary.empty()) {
      sys::fs::remove(file->temporary);
      sys::DontRemoveFileOnSignal(file->temporary);
      file->temporary.clear();
    }
  // Only a directory this writer created, and only if it is empty.
  if (createdDirectory) {
    sys::fs::remove(directory);
    forgetCreatedDirectory();
  }
}
