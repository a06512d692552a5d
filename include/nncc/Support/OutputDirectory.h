//===- OutputDirectory.h - All-or-nothing writes of several files -*- C++ -*-===//
//
// `nncc compile` writes a dozen files into one directory.  A flow that
// reads them must not see a half-written file, nor a mix of two runs after
// a failed compile: each file is printed into a temporary next to its final
// name, and only when all of them are complete are they renamed into place
// (each rename is atomic; they come one after another, after every byte is
// written).  If a print fails, or the writer is destroyed without commit(),
// the temporaries are removed and the directory keeps what it had.  On
// SIGINT, SIGTERM or SIGHUP (InterruptCleanup.h) the temporaries are
// removed and so is the directory if this writer made it; a signal during
// commit()'s renames waits until the last one is done.  So a compile that
// is stopped leaves the directory absent (or as it was) or complete.  Not
// covered: SIGKILL, a rename failing part-way (the files renamed before it
// stay), and files of an earlier run that this run does not write (e.g.
// simulation.json), which stay as they were.  One writer at a time per
// process (the signal handler watches one directory).
//
// Files are printed on worker threads as soon as they are added, so a
// large file (the mapped program) is printed while the caller computes the
// data of the next ones (the schedules).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_OUTPUTDIRECTORY_H
#define NNCC_SUPPORT_OUTPUTDIRECTORY_H

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nncc {

class OutputDirectoryWriter {
public:
  /// Creates `directory` (and its parents) if needed.
  static llvm::Expected<std::unique_ptr<OutputDirectoryWriter>>
  create(llvm::StringRef directory);
  /// Without commit(): waits for the files in flight and removes them.
  ~OutputDirectoryWriter();

  /// Starts printing file `name` on a worker thread.  What `print` reads
  /// must stay alive and unchanged until commit() or destruction; an error
  /// it returns makes commit() fail.
  void add(llvm::StringRef name,
           std::function<llvm::Error(llvm::raw_ostream &)> print);

  /// Waits for every file, then renames them all into place, in the order
  /// they were added.  Fails, removing the temporaries, if any could not be
  /// written.
  llvm::Error commit();

  /// The files added so far, in order.
  std::vector<std::string> names() const;

private:
  explicit OutputDirectoryWriter(llvm::StringRef directory, bool created);
  void discard();

  struct File {
    std::string name;
    llvm::SmallString<256> temporary; ///< empty once renamed or removed
    std::string error;
  };
  std::string directory;
  bool createdDirectory;
  bool committed = false;
  // Files are only appended on the caller's thread; a worker touches its own
  // File through a stable pointer.
  std::vector<std::unique_ptr<File>> files;
  llvm::StdThreadPool pool;
};

} // namespace nncc

#endif // NNCC_SUPPORT_OUTPUTDIRECTORY_H
