//===- Distributed.h - Ranks of an MPI job, or one process ------*- C++ -*-===//
//
// `nncc explore` and `nncc simulate` split their work (sweep points, chip
// instances) across the ranks of an MPI job when launched by `mpirun`, and
// run alone otherwise.  This is the only place that knows MPI: a build
// without it (NNCC_HAVE_MPI off) is a group of one, and says so when it
// finds itself started by mpirun.  Results never depend on the number of
// ranks: each rank computes whole work items, and they are put back in
// their single-process order before anything is written.
//
// MPI is initialized only when the process was launched by mpirun (its
// environment says so), so a plain `nncc ...` neither loads a runtime nor
// pays for MPI_Init.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_DISTRIBUTED_H
#define NNCC_SUPPORT_DISTRIBUTED_H

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace nncc::distributed {

/// Whether nncc was built with MPI.
bool builtWithMpi();

/// Joins the MPI job this process was launched into (once; later calls do
/// nothing).  Without MPI, or outside mpirun, the group is this process
/// alone.  Returns a warning to print (e.g. launched by mpirun but built
/// without MPI), or "".
std::string initialize(int &argc, char **&argv);
/// Leaves the job (MPI_Finalize); registered to run at exit by initialize.
void finalize();

int rank();
int size();

/// Every rank's `mine`, in rank order, on every rank (alone: {mine}).  A
/// collective: every rank calls it the same number of times.
std::vector<std::string> allGather(llvm::StringRef mine);

/// The smallest of the ranks' `value` on every rank (a collective), so that
/// all of them agree to fail when one of them cannot go on.
int allMin(int value);

} // namespace nncc::distributed

#endif // NNCC_SUPPORT_DISTRIBUTED_H
