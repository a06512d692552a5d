//===- DatapathLayer.cpp - Datapath mode: the body on ideal arrays --------===//
//
// Runs the layer's body (BodyInterpreter) with the ideal array reader on
// the quantized im2col input.  Every body op works vector by vector, so the
// body runs on blocks of input vectors in parallel, small enough that each
// tile's column sums stay in cache; with an observer it runs once on all
// of P.
//
//===----------------------------------------------------------------------===//
#include "CIMLayerImpl.h"
#include "IdealArrayReader.h"

#include "nncc/Runtime/Parallel.h"
#include "nncc/Support/Errors.h"

#include <algorithm>
#include <mutex>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::grainFor;
using runtime::parallelChunks;
using runtime::Tensor;

llvm::Expected<Tensor>
CIMLayerRunner::Impl::datapath(const Tensor &xq,
                               CIMBodyObserver observer) const {
  SmallVector<cim::MVMOp> mvms;
  int64_t sumsPerVector = 1;
  for (Operation *bodyOp : body->getOps())
    if (auto mvm = dyn_cast<cim::MVMOp>(bodyOp)) {
      mvms.push_back(mvm);
      auto shape = mvm.getColumnSums().getType().getShape();
      sumsPerVector = std::max(sumsPerVector, shape[0] * shape[1] * shape[3]);
    }
  const int64_t threads =
      static_cast<int64_t>(llvm::parallel::getThreadCount());
  constexpr int64_t kBlockSums = int64_t{1} << 17; // 512 KiB of i32 sums
  constexpr int64_t kMinBlock = 16;
  int64_t blockSize = vectors;
  if (!observer && options.vectorsPerBlock > 0) {
    blockSize = std::min(options.vectorsPerBlock, vectors);
  } else if (!observer) {
    blockSize = std::clamp<int64_t>(kBlockSums / sumsPerVector, kMinBlock,
                                    std::max<int64_t>(vectors, 1));
    if (threads > 1)
      blockSize =
          std::min(blockSize, std::max(kMinBlock, (vectors + 2 * threads - 1) /
                                                      (2 * threads)));
    blockSize = std::min(blockSize, vectors);
  }
  const int64_t blocks = (vectors + blockSize - 1) / blockSize;

  // Cell digits of every tile, once per run.
  std::vector<IdealTile> tiles(mvms.size());
  std::vector<std::string> errors(mvms.size());
  int64_t cellsPerTile = 1;
  for (cim::MVMOp mvm : mvms)
    cellsPerTile = std::max<int64_t>(
        cellsPerTile,
        mvm.getColumnSums().getType().getDimSize(3) *
            static_cast<int64_t>(mvm.getRowEnd() - mvm.getRowBegin()));
  parallelChunks(static_cast<int64_t>(mvms.size()), grainFor(8 * cellsPerTile),
                 [&](int64_t begin, int64_t end) {
                   for (int64_t i = begin; i < end; ++i)
                     if (llvm::Error err =
                             prepareTile(mvms[i], blockSize, tiles[i]))
                       errors[i] = llvm::toString(std::move(err));
                 });
  llvm::DenseMap<Operation *, const IdealTile *> tileOf;
  for (auto [i, mvm] : llvm::enumerate(mvms)) {
    if (!errors[i].empty())
      return makeError(errors[i]);
    tileOf[mvm] = &tiles[i];
  }

  if (blocks == 1) {
    // Few vectors: read the tiles in parallel over tiles first (they only
    // read the input).
    IdealArrayReader reader(tileOf);
    const bool byTile =
        mvms.size() > 1 &&
        vectors * sumsPerVector * static_cast<int64_t>(mvms.size()) <=
            (int64_t{1} << 24);
    if (byTile && llvm::all_of(mvms, [](cim::MVMOp mvm) {
          return isa<BlockArgument>(mvm.getInputs());
        })) {
      std::vector<Tensor> sums(mvms.size());
      parallelChunks(static_cast<int64_t>(mvms.size()), 1,
                     [&](int64_t begin, int64_t end) {
                       for (int64_t i = begin; i < end; ++i)
                         sums[i] = readIdealTile(tiles[i], xq);
                     });
      for (auto [i, mvm] : llvm::enumerate(mvms))
        reader.ready[mvm] = std::move(sums[i]);
    }
    return body->run(xq, reader, observer);
  }

  Tensor acc(DType::I64, {groups, vectors, columns});
  std::mutex errorMutex;
  std::string firstError;
  llvm::parallelFor(0, static_cast<size_t>(blocks), [&](size_t b) {
    const int64_t p0 = static_cast<int64_t>(b) * blockSize;
    const int64_t count = std::min(blockSize, vectors - p0);
    Tensor part = vectorBlock(xq, p0, count);
    IdealArrayReader reader(tileOf);
    llvm::Expected<Tensor> result = body->run(part, reader);
    if (result && result->dtype() != DType::I64)
      result = makeError("the ideal datapath must yield i64 accumulators");
    if (!result) {
      std::lock_guard<std::mutex> lock(errorMutex);
      std::string message = llvm::toString(result.takeError());
      if (firstError.empty())
        firstError = std::move(message);
      return;
    }
    for (int64_t g = 0; g < groups; ++g)
      std::copy_n(result->data<int64_t>() + g * count * columns,
                  count * columns,
                  acc.data<int64_t>() + (g * vectors + p0) * columns);
  });
  if (!firstError.empty())
    return makeError(firstError);
  return acc;
}
