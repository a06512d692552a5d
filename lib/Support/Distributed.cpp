//===- Distributed.cpp - Ranks of an MPI job, or one process --------------===//
#include "nncc/Support/Distributed.h"

#include <cstdint>
#include <cstdlib>

#ifdef NNCC_HAVE_MPI
// The C interface only: the deprecated C++ bindings need libmpi_cxx.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

using namespace nncc;

namespace {

int groupRank = 0, groupSize = 1;
bool joined = false;

/// Whether mpirun (Open MPI's, or a PMI-based launcher's) started us.
bool launchedByMpirun() {
  for (const char *name :
       {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(name))
      return true;
  return false;
}

} // namespace

bool distributed::builtWithMpi() {
#ifdef NNCC_HAVE_MPI
  return true;
#else
  return false;
#endif
}

std::string distributed::initialize(int &argc, char **&argv) {
  if (joined || !launchedByMpirun())
    return "";
  joined = true;
#ifdef NNCC_HAVE_MPI
  int provided = 0;
  // Only the main thread calls MPI; worker threads never do.
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &groupRank);
  MPI_Comm_size(MPI_COMM_WORLD, &groupSize);
  std::atexit(finalize);
  return "";
#else
  (void)argc;
  (void)argv;
  return "this nncc was built without MPI: every rank runs the whole job "
         "alone (threads only)";
#endif
}

void distributed::finalize() {
#ifdef NNCC_HAVE_MPI
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized)
    MPI_Finalize();
#endif
}

int distributed::rank() { return groupRank; }
int distributed::size() { return groupSize; }

std::vector<std::string> distributed::allGather(llvm::StringRef mine) {
  if (groupSize == 1)
    return {mine.str()};
#ifdef NNCC_HAVE_MPI
  int length = static_cast<int>(mine.size());
  std::vector<int> lengths(groupSize), offsets(groupSize);
  MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT,
                MPI_COMM_WORLD);
  int64_t total = 0;
  for (int r = 0; r < groupSize; ++r) {
    offsets[r] = static_cast<int>(total);
    total += lengths[r];
  }
  std::string all(static_cast<size_t>(total), '\0');
  MPI_Allgatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(),
                 offsets.data(), MPI_CHAR, MPI_COMM_WORLD);
  std::vector<std::string> parts;
  for (int r = 0; r < groupSize; ++r)
    parts.push_back(all.substr(offsets[r], lengths[r]));
  return parts;
#else
  return {mine.str()};
#endif
}

int distributed::allMin(int value) {
  if (groupSize == 1)
    return value;
#ifdef NNCC_HAVE_MPI
  int least = value;
  MPI_Allreduce(&value, &least, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return least;
#else
  return value;
#endif
}
