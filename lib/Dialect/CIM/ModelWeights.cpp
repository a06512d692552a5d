//===- ModelWeights.cpp - Float weight matrices kept in the model file ----===//
#include "nncc/Dialect/CIM/ModelWeights.h"

#include "nncc/Support/Elements.h"

#include "mlir/Bytecode/BytecodeImplementation.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

using namespace mlir;
using namespace nncc;
using namespace nncc::cim;

namespace {

/// The only kind of entry the cim dialect's bytecode group holds.
constexpr uint64_t kModelWeightsEncoding = 1;

/// Bytes read at once while streaming a matrix: the reader and the
/// compile's check never hold a second copy of a large matrix.
constexpr size_t kBlockBytes = 4u << 20;

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Reads `bytes` at `offset` of `file` into `dst`.
llvm::Error readSlice(llvm::sys::fs::file_t file, uint64_t offset,
                      char *dst, size_t bytes) {
  while (bytes > 0) {
    llvm::Expected<size_t> got = llvm::sys::fs::readNativeFileSlice(
        file, llvm::MutableArrayRef<char>(dst, bytes), offset);
    if (!got)
      return got.takeError();
    if (*got == 0)
      return makeError("the file ends early");
    dst += *got;
    offset += *got;
    bytes -= *got;
  }
  return llvm::Error::success();
}

/// The file's values as rows: [G * N][K] when transposed, else [G * K][N].
struct FileRows {
  int64_t count = 0, length = 0;
  FileRows(const ModelWeightsRef &ref, int64_t groups, int64_t depth,
           int64_t columns)
      : count(groups * (ref.transposed ? columns : depth)),
        length(ref.transposed ? depth : columns) {}
};

/// Calls visit(firstRow, rows, values) over the file's rows, a block at a
/// time, until it returns false.
llvm::Error
streamRows(llvm::sys::fs::file_t file, const ModelWeightsRef &ref,
           FileRows shape,
           llvm::function_ref<bool(int64_t, int64_t, const float *)> visit) {
  const int64_t perBlock = std::max<int64_t>(
      1, static_cast<int64_t>(kBlockBytes / sizeof(float)) /
             std::max<int64_t>(shape.length, 1));
  // The first block is one row, and the buffer grows only after it: a
  // check against the wrong matrix (an encoder has dozens of one shape)
  // reads and allocates a row, not a block.
  std::vector<float> block;
  for (int64_t row = 0, rows = 1; row < shape.count;
       row += rows, rows = perBlock) {
    rows = std::min(rows, shape.count - row);
    if (block.size() < static_cast<size_t>(rows * shape.length))
      block.resize(static_cast<size_t>(rows * shape.length));
    const uint64_t at =
        ref.offset + sizeof(float) * static_cast<uint64_t>(row * shape.length);
    if (llvm::Error e = readSlice(
            file, at, reinterpret_cast<char *>(block.data()),
            sizeof(float) * static_cast<size_t>(rows * shape.length)))
      return e;
    if (!visit(row, rows, block.data()))
      break;
  }
  return llvm::Error::success();
}

/// Calls visit(matrixIndex, value) for every value of file rows [first,
/// first + count), or stops at the first false.  Transposed rows are
/// visited a few rows at a time, column-major, so that both the block and
/// the [G, K, N] matrix are read along cache lines (one file row is a
/// column of the matrix: a plain walk misses the cache on every value).
template <typename Visit>
bool visitRows(bool transposed, int64_t depth, int64_t columns, int64_t first,
               int64_t count, const float *values, Visit visit) {
  if (!transposed) {
    const int64_t base = first * columns;
    for (int64_t i = 0; i < count * columns; ++i)
      if (!visit(base + i, values[i]))
        return false;
    return true;
  }
  constexpr int64_t kRowsAtOnce = 32;
  for (int64_t r0 = 0; r0 < count;) {
    const int64_t row = first + r0, g = row / columns, n0 = row % columns;
    // Rows of one group only: they are adjacent columns of its matrix.
    const int64_t rows = std::min({kRowsAtOnce, count - r0, columns - n0});
    const int64_t base = g * depth * columns + n0;
    const float *block = values + r0 * depth;
    for (int64_t k = 0; k < depth; ++k)
      for (int64_t r = 0; r < rows; ++r)
        if (!visit(base + k * columns + r, block[r * depth + k]))
          return false;
    r0 += rows;
  }
  return true;
}

/// Opens the file `ref` names after checking that it is the one compiled
/// from and holds the matrix's bytes.
llvm::Expected<llvm::sys::fs::file_t> openModel(const ModelWeightsRef &ref,
                                                uint64_t bytes) {
  uint64_t size = 0;
  if (llvm::sys::fs::file_size(ref.path, size))
    return makeError("cannot find the model file");
  if (size != ref.fileSize)
    return makeError(llvm::formatv("the model file has changed ({0} bytes, "
                                   "the program was compiled from {1})",
                                   size, ref.fileSize));
  if (ref.offset > size || bytes > size - ref.offset)
    return makeError("the values lie outside the model file");
  llvm::Expected<llvm::sys::fs::file_t> file =
      llvm::sys::fs::openNativeFileForRead(ref.path);
  if (!file)
    return makeError("cannot open the model file: " +
                     llvm::toString(file.takeError()));
  return *file;
}

/// G, K, N of an f32 [G, K, N] type.
llvm::Expected<std::array<int64_t, 3>> matrixShape(RankedTensorType type) {
  if (type.getRank() != 3 || !type.hasStaticShape() ||
      !type.getElementType().isF32())
    return makeError("the reference must be to an f32 [G, K, N] matrix");
  std::array<int64_t, 3> dims{type.getDimSize(0), type.getDimSize(1),
                              type.getDimSize(2)};
  // Bytes must be countable: at most 2^60 of them.
  int64_t elements = 1;
  for (int64_t d : dims)
    if (d < 1 || llvm::MulOverflow(elements, d, elements) ||
        elements > (int64_t{1} << 58))
      return makeError("the matrix's shape is out of range");
  return dims;
}

} // namespace

uint64_t cim::hashWeights(llvm::ArrayRef<float> values) {
  return llvm::xxh3_64bits(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(values.data()),
      values.size() * sizeof(float)));
}

llvm::Expected<ElementsAttr>
cim::loadModelWeights(RankedTensorType type, const ModelWeightsRef &ref) {
  auto fail = [&](llvm::Error why) {
    return makeError("the float weights '" + ref.blobName + "' in '" +
                     ref.path + "': " + llvm::toString(std::move(why)) +
                     " (the program refers to its model's weights; compile "
                     "with --program-weights=embed for a program without "
                     "the model)");
  };
  llvm::Expected<std::array<int64_t, 3>> shape = matrixShape(type);
  if (!shape)
    return fail(shape.takeError());
  const auto [groups, depth, columns] = *shape;
  const size_t count = static_cast<size_t>(groups * depth * columns);
  // The file is checked to hold the matrix before anything is allocated
  // (a damaged program may claim any shape).
  llvm::Expected<llvm::sys::fs::file_t> file =
      openModel(ref, count * sizeof(float));
  if (!file)
    return fail(file.takeError());
  std::vector<float> matrix(count);
  llvm::Error read = llvm::Error::success();
  if (!ref.transposed) {
    read = readSlice(*file, ref.offset,
                     reinterpret_cast<char *>(matrix.data()),
                     matrix.size() * sizeof(float));
  } else {
    float *dst = matrix.data();
    read = streamRows(*file, ref, FileRows(ref, groups, depth, columns),
                      [&](int64_t first, int64_t count, const float *values) {
                        return visitRows(true, depth, columns, first, count,
                                         values, [dst](int64_t i, float v) {
                                           dst[i] = v;
                                           return true;
                                         });
                      });
  }
  llvm::sys::fs::closeFile(*file);
  if (read)
    return fail(std::move(read));
  if (hashWeights(matrix) != ref.hash)
    return fail(makeError("the model file holds other values than the "
                          "program was compiled from"));
  return makeF32Elements(type.getContext(), type.getShape(),
                         std::move(matrix), ref.blobName);
}

llvm::Expected<bool> cim::modelHoldsWeights(llvm::ArrayRef<float> matrix,
                                            RankedTensorType type,
                                            const ModelWeightsRef &ref) {
  llvm::Expected<std::array<int64_t, 3>> shape = matrixShape(type);
  if (!shape)
    return shape.takeError();
  const auto [groups, depth, columns] = *shape;
  if (matrix.size() != static_cast<size_t>(groups * depth * columns))
    return false;
  llvm::Expected<llvm::sys::fs::file_t> file =
      openModel(ref, matrix.size() * sizeof(float));
  if (!file)
    return file.takeError();
  const float *expected = matrix.data();
  bool equal = true;
  llvm::Error read = streamRows(
      *file, ref, FileRows(ref, groups, depth, columns),
      [&](int64_t first, int64_t count, const float *values) {
        // Bit patterns, not values: -0 and NaN payloads must match too.
        equal = visitRows(ref.transposed, depth, columns, first, count,
                          values, [expected](int64_t i, float v) {
                            return std::memcmp(&expected[i], &v,
                                               sizeof(float)) == 0;
                          });
        return equal;
      });
  llvm::sys::fs::closeFile(*file);
  if (read)
    return std::move(read);
  return equal;
}

void cim::writeModelWeightsRef(DialectBytecodeWriter &writer,
                               RankedTensorType type,
                               const ModelWeightsRef &ref) {
  writer.writeVarInt(kModelWeightsEncoding);
  writer.writeType(type);
  writer.writeOwnedString(ref.blobName);
  writer.writeOwnedString(ref.path);
  writer.writeVarInt(ref.fileSize);
  writer.writeVarInt(ref.offset);
  writer.writeOwnedBool(ref.transposed);
  writer.writeVarInt(ref.hash);
}

Attribute cim::readModelWeightsRef(DialectBytecodeReader &reader) {
  // Not verifier messages: only bytecode carries these, so their tests are
  // in test/unit/Driver/ModelWeightReferencesTest.cpp.
  auto refuse = [&](llvm::Error error) {
    reader.emitError() << llvm::toString(std::move(error));
    return Attribute();
  };
  uint64_t encoding = 0;
  Type type;
  StringRef blobName, path;
  ModelWeightsRef ref;
  if (failed(reader.readVarInt(encoding)))
    return {};
  if (encoding != kModelWeightsEncoding)
    return refuse(makeError(llvm::formatv(
        "unknown cim attribute encoding {0} (a newer nncc's program?)",
        encoding)));
  if (failed(reader.readType(type)) || failed(reader.readString(blobName)) ||
      failed(reader.readString(path)) ||
      failed(reader.readVarInt(ref.fileSize)) ||
      failed(reader.readVarInt(ref.offset)) ||
      failed(reader.readBool(ref.transposed)) ||
      failed(reader.readVarInt(ref.hash)))
    return {};
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return refuse(makeError("model weights must have a ranked tensor type"));
  ref.blobName = blobName.str();
  ref.path = path.str();
  llvm::Expected<ElementsAttr> loaded = loadModelWeights(tensor, ref);
  if (!loaded)
    return refuse(loaded.takeError());
  return *loaded;
}
