//===- ModelWeightReferencesTest.cpp - Matrices the model file holds ------===//
//
// A model with one layer of each lowering layout (conv filters and Gemm with
// transB transposed, MatMul as stored, Gemm with alpha computed): the index
// finds each initializer's bytes in the file, the references name exactly
// the matrices the file holds, and reading a reference gives the matrix.
//
//===----------------------------------------------------------------------===//
#include "nncc/Driver/ModelWeightReferences.h"

#include "nncc/Conversion/NNToCIM/Passes.h"
#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Import/InitializerIndex.h"
#include "nncc/Import/OnnxImporter.h"
#include "nncc/Support/Elements.h"

#include "mlir/Bytecode/BytecodeImplementation.h"
#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include "onnx/onnx_pb.h"

#include "gtest/gtest.h"

#include <fstream>
#include <map>

using namespace nncc;

namespace {

void addInitializer(onnx::GraphProto &graph, const std::string &name,
                    std::vector<int64_t> dims, float first) {
  onnx::TensorProto *t = graph.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  int64_t count = 1;
  for (int64_t d : dims) {
    t->add_dims(d);
    count *= d;
  }
  std::vector<float> values(count);
  for (int64_t i = 0; i < count; ++i)
    values[i] = first + 0.25f * static_cast<float>(i % 97) - 0.01f * i;
  t->set_raw_data(values.data(), values.size() * sizeof(float));
}

onnx::NodeProto *addNode(onnx::GraphProto &graph, const std::string &op,
                         std::vector<std::string> inputs,
                         const std::string &output) {
  onnx::NodeProto *n = graph.add_node();
  n->set_op_type(op);
  n->set_name(output);
  for (const std::string &in : inputs)
    n->add_input(in);
  n->add_output(output);
  return n;
}

void setShape(onnx::ValueInfoProto *info, const std::string &name,
              std::vector<int64_t> dims) {
  info->set_name(name);
  auto *tensor = info->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims)
    tensor->mutable_shape()->add_dim()->set_dim_value(d);
}

/// input [1, 2, 4, 4] -> Conv 4x2x3x3 -> Flatten -> Gemm(transB) 5x64 ->
/// MatMul 5x20 -> Gemm(alpha 0.5) 20x20.
std::string writeModel(const std::string &path) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  onnx::GraphProto &g = *model.mutable_graph();
  g.set_name("layouts");
  addInitializer(g, "conv_w", {4, 2, 3, 3}, 1.0f);
  addInitializer(g, "fc_w", {5, 64}, 2.0f);
  addInitializer(g, "mm_w", {5, 20}, 3.0f);
  addInitializer(g, "scaled_w", {20, 20}, 4.0f);
  onnx::NodeProto *conv = addNode(g, "Conv", {"input", "conv_w"}, "conv");
  auto *pads = conv->add_attribute();
  pads->set_name("pads");
  pads->set_type(onnx::AttributeProto::INTS);
  for (int i = 0; i < 4; ++i)
    pads->add_ints(1);
  addNode(g, "Flatten", {"conv"}, "flat");
  onnx::NodeProto *fc = addNode(g, "Gemm", {"flat", "fc_w"}, "fc");
  auto *transB = fc->add_attribute();
  transB->set_name("transB");
  transB->set_type(onnx::AttributeProto::INT);
  transB->set_i(1);
  addNode(g, "MatMul", {"fc", "mm_w"}, "mm");
  onnx::NodeProto *scaled = addNode(g, "Gemm", {"mm", "scaled_w"}, "scaled");
  auto *alpha = scaled->add_attribute();
  alpha->set_name("alpha");
  alpha->set_type(onnx::AttributeProto::FLOAT);
  alpha->set_f(0.5f);
  setShape(g.add_input(), "input", {1, 2, 4, 4});
  setShape(g.add_output(), "scaled", {1, 20});
  std::ofstream out(path, std::ios::binary);
  model.SerializeToOstream(&out);
  return path;
}

class ModelWeightReferencesTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> file;
    ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("layouts", "onnx", file));
    path = writeModel(file.str().str());
    mlir::DialectRegistry registry;
    registry.insert<nn::NNDialect, cim::CIMDialect, mlir::func::FuncDialect>();
    context.appendDialectRegistry(registry);
  }
  void TearDown() override { llvm::sys::fs::remove(path); }

  std::string path;
  mlir::MLIRContext context;
};

TEST_F(ModelWeightReferencesTest, IndexFindsEachInitializersBytes) {
  llvm::Expected<std::vector<RawInitializer>> index =
      indexRawInitializers(path);
  ASSERT_TRUE(static_cast<bool>(index)) << llvm::toString(index.takeError());
  ASSERT_EQ(index->size(), 4u);
  auto file = llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE(static_cast<bool>(file));
  onnx::ModelProto model;
  ASSERT_TRUE(model.ParseFromString((*file)->getBuffer().str()));
  for (const RawInitializer &init : *index) {
    const onnx::TensorProto *proto = nullptr;
    for (const onnx::TensorProto &t : model.graph().initializer())
      if (t.name() == init.name)
        proto = &t;
    ASSERT_NE(proto, nullptr) << init.name;
    EXPECT_EQ(init.dataType, onnx::TensorProto::FLOAT);
    EXPECT_EQ(init.dims, std::vector<int64_t>(proto->dims().begin(),
                                              proto->dims().end()));
    EXPECT_EQ((*file)->getBuffer().substr(init.offset, init.bytes),
              proto->raw_data())
        << init.name;
  }
}

TEST_F(ModelWeightReferencesTest, ReferencesNameTheMatricesTheFileHolds) {
  mlir::OwningOpRef<mlir::ModuleOp> module = importOnnxFile(path, context);
  ASSERT_TRUE(module);
  mlir::PassManager pm(&context);
  pm.addPass(createLowerNNToCIM());
  ASSERT_TRUE(mlir::succeeded(pm.run(*module)));

  llvm::Expected<driver::ModelWeightReferences> refs =
      driver::findModelWeightReferences(*module, path);
  ASSERT_TRUE(static_cast<bool>(refs)) << llvm::toString(refs.takeError());
  std::map<std::string, bool> transposedOf;
  module->walk([&](cim::LayerOp layer) {
    auto it = refs->find(layer.getWeights());
    if (it == refs->end())
      return;
    transposedOf[layer.getLayerName().str()] = it->second.transposed;
    // Reading the reference gives the layer's matrix back, bit for bit.
    auto type = mlir::cast<mlir::RankedTensorType>(layer.getWeights().getType());
    llvm::Expected<mlir::ElementsAttr> loaded =
        cim::loadModelWeights(type, it->second);
    ASSERT_TRUE(static_cast<bool>(loaded)) << llvm::toString(loaded.takeError());
    EXPECT_EQ(getF32Values(*loaded), getF32Values(layer.getWeights()));
  });
  // alpha = 0.5 scaled the last matrix: the file does not hold it.
  EXPECT_EQ(transposedOf, (std::map<std::string, bool>{
                              {"conv", true}, {"fc", true}, {"mm", false}}));
}

TEST_F(ModelWeightReferencesTest, AWrongHashIsRefused) {
  mlir::OwningOpRef<mlir::ModuleOp> module = importOnnxFile(path, context);
  ASSERT_TRUE(module);
  mlir::PassManager pm(&context);
  pm.addPass(createLowerNNToCIM());
  ASSERT_TRUE(mlir::succeeded(pm.run(*module)));
  llvm::Expected<driver::ModelWeightReferences> refs =
      driver::findModelWeightReferences(*module, path);
  ASSERT_TRUE(static_cast<bool>(refs));
  ASSERT_FALSE(refs->empty());
  auto [attr, ref] = *refs->begin();
  ref.hash ^= 1;
  llvm::Expected<mlir::ElementsAttr> loaded = cim::loadModelWeights(
      mlir::cast<mlir::RankedTensorType>(
          mlir::cast<mlir::TypedAttr>(attr).getType()),
      ref);
  ASSERT_FALSE(static_cast<bool>(loaded));
  EXPECT_NE(llvm::toString(loaded.takeError()).find("other values"),
            std::string::npos);
}

/// Writes a module whose one attribute the callback encodes in the cim
/// group, reads it back and returns the reader's diagnostics.
std::string readBackError(
    mlir::MLIRContext &context,
    std::function<void(mlir::DialectBytecodeWriter &)> encode) {
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(mlir::UnknownLoc::get(&context));
  auto marker = mlir::DenseElementsAttr::get(
      mlir::RankedTensorType::get({1}, mlir::Float32Type::get(&context)),
      0.5f);
  (*module)->setAttr("w", marker);
  context.getOrLoadDialect<cim::CIMDialect>();
  mlir::BytecodeWriterConfig config("test");
  config.attachAttributeCallback(
      [&](mlir::Attribute attr, std::optional<llvm::StringRef> &group,
          mlir::DialectBytecodeWriter &writer) -> mlir::LogicalResult {
        if (attr != marker)
          return mlir::failure();
        group = cim::CIMDialect::getDialectNamespace();
        encode(writer);
        return mlir::success();
      });
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  EXPECT_TRUE(mlir::succeeded(mlir::writeBytecodeToFile(*module, os, config)));
  std::string errors;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    errors += d.str() + "\n";
    return mlir::success();
  });
  mlir::ParserConfig parse(&context);
  EXPECT_FALSE(mlir::parseSourceString<mlir::ModuleOp>(os.str(), parse));
  return errors;
}

TEST_F(ModelWeightReferencesTest, BytecodeOfAnotherKindIsRefused) {
  std::string unknown =
      readBackError(context, [](mlir::DialectBytecodeWriter &writer) {
        writer.writeVarInt(2);
      });
  EXPECT_NE(unknown.find("unknown cim attribute encoding 2 (a newer nncc's "
                         "program?)"),
            std::string::npos)
      << unknown;
  std::string unranked =
      readBackError(context, [&](mlir::DialectBytecodeWriter &writer) {
        writer.writeVarInt(1);
        writer.writeType(mlir::Float32Type::get(&context));
        for (const char *s : {"w", "/nonexistent.onnx"})
          writer.writeOwnedString(s);
        for (int i = 0; i < 2; ++i)
          writer.writeVarInt(0);
        writer.writeOwnedBool(false);
        writer.writeVarInt(0);
      });
  EXPECT_NE(unranked.find("model weights must have a ranked tensor type"),
            std::string::npos)
      << unranked;
}

} // namespace
