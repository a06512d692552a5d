//===- OnnxImporter.cpp - ONNX ModelProto to the nn dialect ---------------===//
//
// Reads the protobuf, checks the graph's structure (names, definitions,
// cycles, opsets, declared shapes), orders the nodes topologically and hands
// each one to its operator importer (OpImporters.cpp).
//
//===----------------------------------------------------------------------===//
#include "nncc/Import/OnnxImporter.h"

#include "NodeImporter.h"
#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Dialect/Utils/TensorElements.h"
#include "nncc/Import/TensorProto.h"
#include "nncc/Support/Diagnostics.h"
#include "nncc/Support/Elements.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <deque>
#include <fcntl.h>
#include <unistd.h>

using namespace mlir;
using namespace nncc;
using namespace nncc::detail;
using llvm::Expected;

namespace {

/// Newest opset of the default domain whose semantics nncc implements (ONNX
/// 1.12, the version Debian ships).
constexpr int64_t kMaxOpset = 17;

bool isDefaultDomain(llvm::StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

} // namespace

namespace nncc::detail {

class GraphImporter {
public:
  GraphImporter(MLIRContext &context, llvm::StringRef path,
                const ImportOptions &options)
      : context(context), path(path), options(options),
        fileLoc(FileLineColLoc::get(&context, path, 0, 0)),
        builder(&context) {
    llvm::SmallString<256> dir(path);
    llvm::sys::path::remove_filename(dir);
    baseDir = dir.empty() ? "." : std::string(dir);
  }

  OwningOpRef<ModuleOp> run();

  /// Directory that external tensor data is resolved against.
  llvm::StringRef getBaseDir() const { return baseDir; }

  /// The value named `name`, materializing initializers on first use.
  FailureOr<Value> lookup(llvm::StringRef name, Location useLoc);
  FailureOr<runtime::Tensor> constant(llvm::StringRef name, Location useLoc);

private:
  LogicalResult readModel();
  LogicalResult readOpset();
  LogicalResult collectInitializers();
  FailureOr<RankedTensorType> inputType(const onnx::ValueInfoProto &info);
  LogicalResult orderNodes(SmallVectorImpl<int> &order);
  Location nodeLoc(int index);
  LogicalResult importNode(int index);
  LogicalResult checkOutput(const onnx::ValueInfoProto &info, Value value);
  LogicalResult fileError(const llvm::Twine &message) {
    return emitError(fileLoc, message);
  }

  MLIRContext &context;
  std::string path, baseDir;
  const ImportOptions &options;
  Location fileLoc;
  OpBuilder builder;
  onnx::ModelProto model;
  int64_t opset = 0;
  llvm::StringMap<onnx::TensorProto *> initializers;
  llvm::StringMap<Value> values;
  /// Function arguments whose value is known (ImportOptions::knownInputs).
  llvm::DenseMap<Value, const runtime::Tensor *> knownArgs;
};

} // namespace nncc::detail

LogicalResult GraphImporter::readModel() {
  uint64_t size = 0;
  if (!llvm::sys::fs::exists(path))
    return fileError("no such file");
  if (llvm::sys::fs::is_directory(path))
    return fileError("is a directory, not an ONNX model");
  if (llvm::sys::fs::file_size(path, size))
    return fileError("cannot read file");
  if (size == 0)
    return fileError("empty file (not an ONNX model)");
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0)
    return fileError("cannot open file");
  bool parsed;
  {
    google::protobuf::io::FileInputStream stream(fd);
    google::protobuf::io::CodedInputStream coded(&stream);
    coded.SetTotalBytesLimit(INT32_MAX);
    parsed = model.ParseFromCodedStream(&coded) &&
             coded.ConsumedEntireMessage();
  }
  ::close(fd);
  if (!parsed)
    return fileError("not a valid ONNX model: the protobuf is malformed or "
                     "truncated");
  if (!model.has_graph() || model.ir_version() <= 0)
    return fileError("not an ONNX model: no graph or no ir_version");
  return success();
}

LogicalResult GraphImporter::readOpset() {
  for (const auto &entry : model.opset_import()) {
    if (!isDefaultDomain(entry.domain()))
      continue;
    if (entry.version() <= 0)
      return fileError(llvm::formatv("invalid opset version {0} for the "
                                     "default domain",
                                     entry.version()));
    opset = entry.version();
  }
  if (opset == 0 && model.opset_import_size() == 0 && model.ir_version() < 3)
    opset = 1; // IR v1/v2 models predate opset_import.
  if (opset <= 0)
    return fileError("model declares no opset for the default ONNX domain");
  if (opset > kMaxOpset)
    return fileError(llvm::formatv("unsupported opset version {0} (nncc "
                                   "supports opsets 1-{1} of the default "
                                   "domain)",
                                   opset, kMaxOpset));
  return success();
}

LogicalResult GraphImporter::collectInitializers() {
  for (onnx::TensorProto &init : *model.mutable_graph()->mutable_initializer()) {
    if (init.name().empty())
      return fileError("an initializer has no name");
    if (!initializers.try_emplace(init.name(), &init).second)
      return fileError("duplicate name: initializer '" + init.name() +
                       "' is defined twice");
  }
  return success();
}

FailureOr<RankedTensorType>
GraphImporter::inputType(const onnx::ValueInfoProto &info) {
  auto fail = [&](const llvm::Twine &message) {
    return fileError("graph input '" + info.name() + "' " + message);
  };
  if (!info.type().has_tensor_type()) {
    (void)fail("is not a tensor (sequence, map and optional types are not "
               "supported)");
    return failure();
  }
  const auto &tensorType = info.type().tensor_type();
  Expected<Type> element = onnxElementType(context, tensorType.elem_type());
  if (!element) {
    (void)fail(llvm::toString(element.takeError()));
    return failure();
  }
  if (!tensorType.has_shape()) {
    (void)fail("has no declared shape; nncc needs static shapes");
    return failure();
  }
  SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(tensorType.shape().dim())) {
    if (i == 0 && options.batch) {
      shape.push_back(*options.batch);
    } else if (dim.has_dim_value()) {
      shape.push_back(dim.dim_value());
    } else if (i == 0) {
      shape.push_back(1); // Symbolic batch dimension.
    } else {
      (void)fail(llvm::formatv("has symbolic dimension '{0}' at index {1}; "
                               "nncc needs static shapes",
                               dim.dim_param(), i));
      return failure();
    }
  }
  if (llvm::Error e = checkDeclaredShape(shape, /*allowZero=*/false)) {
    (void)fail(llvm::toString(std::move(e)));
    return failure();
  }
  return RankedTensorType::get(shape, *element);
}

Location GraphImporter::nodeLoc(int index) {
  const onnx::NodeProto &node = model.graph().node(index);
  std::string name =
      node.name().empty() ? "#" + std::to_string(index) : node.name();
  return makeNodeLoc(&context, path, name, node.op_type());
}

LogicalResult GraphImporter::orderNodes(SmallVectorImpl<int> &order) {
  const onnx::GraphProto &graph = model.graph();
  llvm::StringMap<int> producer;
  llvm::StringSet<> graphInputs;
  for (const auto &input : graph.input())
    graphInputs.insert(input.name());
  for (int i = 0; i < graph.node_size(); ++i) {
    for (const std::string &out : graph.node(i).output()) {
      if (out.empty())
        continue;
      if (graphInputs.contains(out) || initializers.count(out))
        return emitError(nodeLoc(i), "duplicate name: output '" + out +
                                         "' redefines a graph input or "
                                         "initializer");
      if (!producer.try_emplace(out, i).second)
        return emitError(nodeLoc(i), "duplicate name: output '" + out +
                                         "' is also produced by another node");
    }
  }
  // Kahn's algorithm, stable in file order so that output is deterministic.
  std::vector<int> pending(graph.node_size(), 0);
  std::vector<SmallVector<int>> consumers(graph.node_size());
  for (int i = 0; i < graph.node_size(); ++i) {
    for (const std::string &in : graph.node(i).input()) {
      if (in.empty() || graphInputs.contains(in) || initializers.count(in))
        continue;
      auto it = producer.find(in);
      if (it == producer.end())
        return emitError(nodeLoc(i), "input '" + in +
                                         "' is not defined (no graph input, "
                                         "initializer or node produces it)");
      ++pending[i];
      consumers[it->second].push_back(i);
    }
  }
  std::deque<int> ready;
  for (int i = 0; i < graph.node_size(); ++i)
    if (pending[i] == 0)
      ready.push_back(i);
  while (!ready.empty()) {
    int i = ready.front();
    ready.pop_front();
    order.push_back(i);
    for (int c : consumers[i])
      if (--pending[c] == 0)
        ready.push_back(c);
  }
  if (static_cast<int>(order.size()) != graph.node_size()) {
    for (int i = 0; i < graph.node_size(); ++i)
      if (pending[i] > 0)
        return emitError(nodeLoc(i), "the graph has a cycle through this "
                                     "node");
  }
  return success();
}

FailureOr<Value> GraphImporter::lookup(llvm::StringRef name, Location useLoc) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto init = initializers.find(name);
  if (init == initializers.end())
    return emitError(useLoc, "input '" + name + "' is not defined");
  Expected<ElementsAttr> attr = tensorProtoToElements(
      context, *init->second, sanitizeBlobName(name), baseDir);
  if (!attr)
    return emitError(useLoc, "initializer '" + name + "' " +
                                 llvm::toString(attr.takeError()));
  Value value = builder.create<nn::ConstantOp>(
      NameLoc::get(StringAttr::get(&context, name), fileLoc), *attr);
  values[name] = value;
  return value;
}

FailureOr<runtime::Tensor> GraphImporter::constant(llvm::StringRef name,
                                                   Location useLoc) {
  FailureOr<Value> value = lookup(name, useLoc);
  if (failed(value))
    return failure();
  if (auto known = knownArgs.find(*value); known != knownArgs.end())
    return known->second->clone();
  auto constantOp = value->getDefiningOp<nn::ConstantOp>();
  if (!constantOp)
    return emitError(useLoc, "input '" + name +
                                 "' must be a compile-time constant "
                                 "(initializer or Constant)");
  Expected<runtime::Tensor> tensor = elementsToTensor(constantOp.getValue());
  if (!tensor)
    return emitError(useLoc, "constant '" + name + "': " +
                                 llvm::toString(tensor.takeError()));
  return std::move(*tensor);
}

LogicalResult GraphImporter::importNode(int index) {
  const onnx::NodeProto &node = model.graph().node(index);
  Location loc = nodeLoc(index);
  const auto &importers = getOpImporters();
  auto it = importers.find(node.op_type());
  if (!isDefaultDomain(node.domain()) || it == importers.end()) {
    std::string where =
        isDefaultDomain(node.domain()) ? "" : " of domain '" + node.domain() + "'";
    return emitError(loc, "unsupported operator '" + node.op_type() + "'" +
                              where + " (see docs/onnx-support.md)");
  }
  if (const std::vector<StringRef> *known = knownAttributes(node.op_type()))
    for (const onnx::AttributeProto &attribute : node.attribute())
      if (!llvm::is_contained(*known, attribute.name()))
        return emitError(loc, "unknown attribute '" + attribute.name() +
                                  "' for " + node.op_type() +
                                  " (ONNX's checker rejects it too)");
  NodeImporter nodeImporter(*this, node, loc, opset, builder);
  SmallVector<Value> outputs;
  if (failed(it->second(nodeImporter, outputs)) ||
      nodeImporter.hadAttributeError())
    return failure();
  for (int i = 0; i < node.output_size(); ++i) {
    if (node.output(i).empty())
      continue;
    if (i >= static_cast<int>(outputs.size()) || !outputs[i])
      return emitError(loc, llvm::formatv("output {0} ('{1}') is not "
                                          "supported",
                                          i, node.output(i)));
    values[node.output(i)] = outputs[i];
  }
  return success();
}

LogicalResult GraphImporter::checkOutput(const onnx::ValueInfoProto &info,
                                         Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!info.type().has_tensor_type())
    return fileError("graph output '" + info.name() + "' is not a tensor");
  const auto &declared = info.type().tensor_type();
  if (declared.elem_type() != 0) {
    Expected<Type> element = onnxElementType(context, declared.elem_type());
    if (!element)
      return fileError("graph output '" + info.name() + "' " +
                       llvm::toString(element.takeError()));
    if (*element != type.getElementType())
      return fileError("graph output '" + info.name() +
                       "' is declared with another element type than it "
                       "computes");
  }
  if (!declared.has_shape())
    return success();
  const auto &dims = declared.shape().dim();
  bool rankMatches = dims.size() == type.getRank();
  for (int i = 0; rankMatches && i < dims.size(); ++i) {
    bool batchDim = i == 0 && options.batch;
    if (dims[i].has_dim_value() && !batchDim &&
        dims[i].dim_value() != type.getDimSize(i))
      rankMatches = false;
  }
  if (!rankMatches) {
    std::string declaredText, computed;
    llvm::raw_string_ostream d(declaredText), c(computed);
    llvm::interleaveComma(dims, d, [&](const auto &dim) {
      if (dim.has_dim_value())
        d << dim.dim_value();
      else
        d << '?';
    });
    llvm::interleaveComma(type.getShape(), c);
    return fileError("inconsistent shapes: graph output '" + info.name() +
                     "' is declared [" + declaredText + "] but computes [" +
                     computed + "]");
  }
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  if (failed(readModel()) || failed(readOpset()) ||
      failed(collectInitializers()))
    return nullptr;
  const onnx::GraphProto &graph = model.graph();

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  (*module)->setAttr("nn.source",
                  StringAttr::get(&context, llvm::sys::path::filename(path)));
  (*module)->setAttr("nn.opset", builder.getI64IntegerAttr(opset));

  // Graph inputs that are also initializers are defaults (IR < 4): constants.
  SmallVector<const onnx::ValueInfoProto *> inputs;
  SmallVector<Type> inputTypes;
  llvm::StringSet<> seenInputs;
  for (const auto &info : graph.input()) {
    if (!seenInputs.insert(info.name()).second) {
      (void)fileError("duplicate name: graph input '" + info.name() +
                      "' is declared twice");
      return nullptr;
    }
    if (initializers.count(info.name()))
      continue;
    // A bound value is the input's truth (ONNX's node tests declare empty
    // axes as [0] and, now and then, a shape their data does not have);
    // nothing is allocated from its declaration.
    auto known = options.knownInputs.find(info.name());
    FailureOr<RankedTensorType> type =
        known != options.knownInputs.end()
            ? RankedTensorType::get(
                  known->second.shape(),
                  elementTypeForDType(context, known->second.dtype()))
            : inputType(info);
    if (failed(type))
      return nullptr;
    inputs.push_back(&info);
    inputTypes.push_back(*type);
  }

  builder.setInsertionPointToEnd(module->getBody());
  auto func = builder.create<func::FuncOp>(
      fileLoc, "main", builder.getFunctionType(inputTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, info] : llvm::enumerate(inputs)) {
    Value arg = entry->getArgument(i);
    values[info->name()] = arg;
    func.setArgAttr(i, kOnnxNameAttr,
                    StringAttr::get(&context, info->name()));
    auto known = options.knownInputs.find(info->name());
    if (known != options.knownInputs.end())
      knownArgs[arg] = &known->second;
  }
  builder.setInsertionPointToEnd(entry);

  SmallVector<int> order;
  if (failed(orderNodes(order)))
    return nullptr;
  for (int index : order)
    if (failed(importNode(index)))
      return nullptr;

  SmallVector<Value> results;
  for (const auto &info : graph.output()) {
    if (!values.count(info.name()) && !initializers.count(info.name())) {
      (void)fileError("graph output '" + info.name() +
                      "' is not defined (no graph input, initializer or node "
                      "produces it)");
      return nullptr;
    }
    FailureOr<Value> value = lookup(info.name(), fileLoc);
    if (failed(value))
      return nullptr;
    if (failed(checkOutput(info, *value)))
      return nullptr;
    results.push_back(*value);
  }
  if (results.empty()) {
    (void)fileError("the graph has no outputs");
    return nullptr;
  }
  builder.create<func::ReturnOp>(fileLoc, results);
  func.setFunctionType(
      builder.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  for (auto [i, info] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, kOnnxNameAttr,
                       StringAttr::get(&context, info.name()));

  // Constants that only fed compile-time operands (shapes, axes) are dead.
  nn::eraseUnusedConstants(func);

  if (failed(verify(*module)))
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// NodeImporter methods that need the graph
//===----------------------------------------------------------------------===//

FailureOr<Value> NodeImporter::input(int i) {
  if (attributeError || inputError)
    return failure();
  if (!hasInput(i))
    return error(llvm::formatv("required input {0} is missing", i));
  FailureOr<Value> value = graph.lookup(node.input(i), loc);
  inputError = failed(value);
  return value;
}

llvm::StringRef NodeImporter::getBaseDir() const { return graph.getBaseDir(); }

FailureOr<runtime::Tensor> NodeImporter::constantInput(int i) {
  if (attributeError || inputError)
    return failure();
  if (!hasInput(i))
    return error(llvm::formatv("required input {0} is missing", i));
  FailureOr<runtime::Tensor> value = graph.constant(node.input(i), loc);
  inputError = failed(value);
  return value;
}

SmallVector<StringRef> nncc::getSupportedOnnxOps() {
  SmallVector<StringRef> ops;
  for (const auto &entry : getOpImporters())
    ops.push_back(entry.getKey());
  llvm::sort(ops);
  return ops;
}

OwningOpRef<ModuleOp> nncc::importOnnxFile(llvm::StringRef path,
                                           MLIRContext &context,
                                           const ImportOptions &options) {
  context.loadDialect<nn::NNDialect, func::FuncDialect>();
  GraphImporter importer(context, path, options);
  return importer.run();
}
