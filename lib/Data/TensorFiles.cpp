//===- TensorFiles.cpp - Tensors read from and written to files -----------===//
#include "nncc/Data/TensorFiles.h"

#include "nncc/Import/TensorProto.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <vector>
#include <zlib.h>

using namespace nncc;
using runtime::DType;
using runtime::Tensor;

namespace {

llvm::Error makeError(llvm::StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "'" + path + "': " + message);
}

struct NpyDescr {
  llvm::StringLiteral text;
  DType dtype;
};
constexpr NpyDescr kNpyTypes[] = {
    {"<f4", DType::F32}, {"<f8", DType::F64}, {"|i1", DType::I8},
    {"|u1", DType::U8},  {"<i2", DType::I16}, {"<u2", DType::U16},
    {"<i4", DType::I32}, {"<u4", DType::U32}, {"<i8", DType::I64},
    {"<u8", DType::U64}, {"|b1", DType::Bool}, {"<f2", DType::F16}};

/// The value of `'key':` in a .npy header dict, up to the next top-level
/// comma (tuples included).
std::optional<llvm::StringRef> npyField(llvm::StringRef header,
                                        llvm::StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == llvm::StringRef::npos)
    return std::nullopt;
  llvm::StringRef rest = header.drop_front(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  rest = rest.ltrim();
  size_t end = rest.starts_with("(") ? rest.find(')') + 1 : rest.find_first_of(",}");
  return rest.take_front(end).trim();
}

} // namespace

llvm::Expected<Tensor> nncc::readNpyFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return makeError(path, "cannot open file");
  llvm::StringRef data = (*buffer)->getBuffer();
  if (!data.consume_front("\x93NUMPY") || data.size() < 4)
    return makeError(path, "not a .npy file");
  unsigned major = static_cast<uint8_t>(data[0]);
  data = data.drop_front(2);
  size_t headerLen;
  if (major == 1) {
    headerLen = llvm::support::endian::read16le(data.data());
    data = data.drop_front(2);
  } else if ((major == 2 || major == 3) && data.size() >= 4) {
    headerLen = llvm::support::endian::read32le(data.data());
    data = data.drop_front(4);
  } else {
    return makeError(path, llvm::formatv("unsupported .npy version {0}", major));
  }
  if (headerLen > data.size())
    return makeError(path, "truncated .npy header");
  llvm::StringRef header = data.take_front(headerLen);
  data = data.drop_front(headerLen);

  auto descr = npyField(header, "descr");
  auto order = npyField(header, "fortran_order");
  auto shapeText = npyField(header, "shape");
  if (!descr || !order || !shapeText)
    return makeError(path, "malformed .npy header");
  if (*order != "False")
    return makeError(path, "Fortran-order arrays are not supported");
  llvm::StringRef typeText = descr->trim("'\"");
  const NpyDescr *type = llvm::find_if(
      kNpyTypes, [&](const NpyDescr &d) { return d.text == typeText; });
  if (type == std::end(kNpyTypes))
    return makeError(path, "unsupported dtype " + typeText);
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<llvm::StringRef> parts;
  shapeText->trim("()").split(parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef part : parts) {
    int64_t d;
    if (part.trim().getAsInteger(10, d) || d < 0)
      return makeError(path, "malformed shape " + *shapeText);
    shape.push_back(d);
  }
  int64_t elements = runtime::numElementsOf(shape);
  if (elements > (int64_t{1} << 31))
    return makeError(path, "array is too large");
  // Checked before allocating: memory follows the file, not its header.
  size_t bytes =
      static_cast<size_t>(elements) * runtime::dtypeSize(type->dtype);
  if (data.size() != bytes)
    return makeError(path, llvm::formatv("holds {0} bytes of data, its shape "
                                         "needs {1}",
                                         data.size(), bytes));
  Tensor tensor(type->dtype, shape);
  std::memcpy(tensor.raw(), data.data(), data.size());
  return tensor;
}

llvm::Error nncc::writeNpyFile(llvm::StringRef path, const Tensor &tensor) {
  const NpyDescr *type = llvm::find_if(
      kNpyTypes, [&](const NpyDescr &d) { return d.dtype == tensor.dtype(); });
  std::string shape = "(";
  for (int64_t d : tensor.shape())
    shape += std::to_string(d) + ", ";
  if (tensor.rank() > 1)
    shape.resize(shape.size() - 2);
  else if (tensor.rank() == 1)
    shape.resize(shape.size() - 1);
  shape += ")";
  std::string header = "{'descr': '" + type->text.str() +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that the data starts on a 64-byte boundary, as numpy does.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  return llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << "\x93NUMPY" << '\x01' << '\x00';
    char len[2];
    llvm::support::endian::write16le(len, static_cast<uint16_t>(header.size()));
    os.write(len, 2);
    os << header;
    os.write(static_cast<const char *>(tensor.raw()), tensor.byteSize());
    return llvm::Error::success();
  });
}

llvm::Expected<Tensor> nncc::readIdxFile(llvm::StringRef path, int64_t limit) {
  gzFile file = gzopen(path.str().c_str(), "rb");
  if (!file)
    return makeError(path, "cannot open file");
  auto closeFile = llvm::make_scope_exit([&] { gzclose(file); });
  auto readExactly = [&](void *dst, size_t bytes) {
    return gzread(file, dst, static_cast<unsigned>(bytes)) ==
           static_cast<int>(bytes);
  };
  unsigned char magic[4];
  if (!readExactly(magic, 4) || magic[0] != 0 || magic[1] != 0)
    return makeError(path, "not an IDX file");
  DType dtype;
  switch (magic[2]) {
  case 0x08: dtype = DType::U8; break;
  case 0x09: dtype = DType::I8; break;
  case 0x0B: dtype = DType::I16; break;
  case 0x0C: dtype = DType::I32; break;
  case 0x0D: dtype = DType::F32; break;
  case 0x0E: dtype = DType::F64; break;
  default: return makeError(path, "unknown IDX element type");
  }
  int rank = magic[3];
  if (rank < 1 || rank > 8)
    return makeError(path, "invalid IDX rank");
  llvm::SmallVector<int64_t> shape;
  for (int i = 0; i < rank; ++i) {
    unsigned char be[4];
    if (!readExactly(be, 4))
      return makeError(path, "truncated IDX header");
    shape.push_back(llvm::support::endian::read32be(be));
  }
  if (limit > 0 && limit < shape[0])
    shape[0] = limit;
  int64_t elements = runtime::numElementsOf(shape);
  if (elements > (int64_t{1} << 31))
    return makeError(path, "IDX data is too large");
  // Read in chunks before allocating the tensor: memory follows the data the
  // file holds, not the size its header claims (a gzip'ed file's size is not
  // known before it is inflated).
  const size_t elemSize = runtime::dtypeSize(dtype);
  const size_t needed = static_cast<size_t>(elements) * elemSize;
  constexpr size_t kChunkBytes = size_t{1} << 20;
  std::vector<char> data;
  while (data.size() < needed) {
    size_t chunk = std::min(kChunkBytes, needed - data.size());
    size_t at = data.size();
    data.resize(at + chunk);
    if (!readExactly(data.data() + at, chunk))
      return makeError(path, "truncated IDX data");
  }
  Tensor tensor(dtype, shape);
  if (needed)
    std::memcpy(tensor.raw(), data.data(), needed);
  // IDX stores multi-byte values big-endian.
  if (elemSize > 1) {
    auto *bytes = static_cast<unsigned char *>(tensor.raw());
    for (int64_t i = 0; i < tensor.numElements(); ++i)
      std::reverse(bytes + i * elemSize, bytes + (i + 1) * elemSize);
  }
  return tensor;
}

namespace {

/// The first `limit` items along dimension 0 of a tensor read whole (the
/// formats whose readers cannot stop early); all of it if `limit` is 0.
llvm::Expected<Tensor> keepFirstItems(llvm::Expected<Tensor> read,
                                      int64_t limit) {
  if (!read || limit <= 0 || read->rank() == 0 || read->dim(0) <= limit)
    return read;
  llvm::SmallVector<int64_t> shape(read->shape().begin(), read->shape().end());
  shape[0] = limit;
  Tensor kept(read->dtype(), shape);
  std::memcpy(kept.raw(), read->raw(), kept.byteSize());
  return kept;
}

} // namespace

llvm::Expected<Tensor> nncc::readTensorFile(llvm::StringRef path,
                                            int64_t limit) {
  // The format is read off the first bytes: NumPy's magic string, gzip's
  // (IDX compressed, as Debian ships datasets) or IDX's two zero bytes and
  // an element-type code.  A TensorProto has no magic number.
  llvm::Expected<llvm::sys::fs::file_t> file =
      llvm::sys::fs::openNativeFileForRead(path);
  if (!file) {
    llvm::consumeError(file.takeError());
    return makeError(path, "cannot open file");
  }
  char head[4] = {};
  llvm::Expected<size_t> read =
      llvm::sys::fs::readNativeFile(*file, llvm::MutableArrayRef(head));
  llvm::sys::fs::closeFile(*file);
  if (!read) {
    llvm::consumeError(read.takeError());
    return makeError(path, "cannot read file");
  }
  llvm::StringRef magic(head, *read);
  if (magic.starts_with("\x93NUM"))
    return keepFirstItems(readNpyFile(path), limit);
  const bool gzip = magic.starts_with("\x1f\x8b");
  const bool idx = magic.size() == 4 && head[0] == 0 && head[1] == 0 &&
                   llvm::is_contained({0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E},
                                      static_cast<uint8_t>(head[2]));
  if (gzip || idx)
    return readIdxFile(path, limit);
  if (path.ends_with(".pb"))
    return keepFirstItems(readTensorProtoFile(path), limit);
  return makeError(path,
                   "not a tensor file (.npy, IDX or ONNX TensorProto .pb)");
}

llvm::Error nncc::writeTensorFile(llvm::StringRef path, const Tensor &tensor,
                                  llvm::StringRef name) {
  if (path.ends_with(".pb"))
    return writeTensorProtoFile(path, tensor, name);
  return writeNpyFile(path, tensor);
}
