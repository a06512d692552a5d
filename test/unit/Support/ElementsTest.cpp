//===- ElementsTest.cpp - Building and reading constant tensors -----------===//
#include "nncc/Support/Elements.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <numeric>
#include <type_traits>

using namespace nncc;

namespace {

TEST(Elements, OwnedBlobsKeepTheirValuesAndType) {
  mlir::MLIRContext ctx;
  ctx.getOrLoadDialect<mlir::BuiltinDialect>();
  // Above 16 elements: a dense_resource blob that took the vector over.
  std::vector<int8_t> codes(40);
  std::iota(codes.begin(), codes.end(), -20);
  mlir::ElementsAttr a = makeIntElements(&ctx, {5, 8}, std::move(codes), "q");
  EXPECT_TRUE(mlir::isa<mlir::DenseResourceElementsAttr>(a));
  EXPECT_TRUE(a.getShapedType().getElementType().isInteger(8));
  std::vector<int64_t> wide = getIntValues(a);
  ASSERT_EQ(wide.size(), 40u);
  EXPECT_EQ(wide.front(), -20);
  EXPECT_EQ(wide.back(), 19);
  std::optional<std::vector<int32_t>> narrow = getI32Values(a);
  ASSERT_TRUE(narrow.has_value());
  EXPECT_EQ(std::vector<int64_t>(narrow->begin(), narrow->end()), wide);
  // Small ones stay readable literals.
  mlir::ElementsAttr small =
      makeIntElements(&ctx, {3}, std::vector<int16_t>{-1, 0, 300}, "s");
  EXPECT_TRUE(mlir::isa<mlir::DenseElementsAttr>(small));
  EXPECT_EQ(getIntValues(small), (std::vector<int64_t>{-1, 0, 300}));
}

TEST(Elements, F32StorageIsAViewOfTheBlob) {
  mlir::MLIRContext ctx;
  ctx.getOrLoadDialect<mlir::BuiltinDialect>();
  std::vector<float> values(64);
  std::iota(values.begin(), values.end(), 0.5f);
  mlir::ElementsAttr a =
      makeF32Elements(&ctx, {8, 8}, std::vector<float>(values), "w");
  std::optional<llvm::ArrayRef<float>> view = getF32Storage(a);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(std::vector<float>(view->begin(), view->end()), values);
  EXPECT_EQ(view->data(), getF32Storage(a)->data()); // the same storage
  // A splat has no per-element storage to view.
  mlir::ElementsAttr splat = mlir::DenseElementsAttr::get(
      mlir::RankedTensorType::get({4}, mlir::Float32Type::get(&ctx)), 1.0f);
  EXPECT_FALSE(getF32Storage(splat).has_value());
  EXPECT_EQ(getF32Values(splat), std::vector<float>(4, 1.0f));
}

TEST(Elements, I32ValuesRejectWhatDoesNotFit) {
  mlir::MLIRContext ctx;
  auto type = mlir::RankedTensorType::get({2}, mlir::IntegerType::get(&ctx, 64));
  auto fits = mlir::DenseElementsAttr::get(type, llvm::ArrayRef<int64_t>{-5, 7});
  EXPECT_EQ(*getI32Values(fits), (std::vector<int32_t>{-5, 7}));
  auto wide = mlir::DenseElementsAttr::get(
      type, llvm::ArrayRef<int64_t>{1, int64_t{1} << 40});
  EXPECT_FALSE(getI32Values(wide).has_value());
}

TEST(Elements, TransposeSmallAndLargeMatrices) {
  // Below and above the size where the bands run in parallel, and shapes
  // that are not multiples of the 32-row band.
  for (auto [rows, cols] : {std::pair<int64_t, int64_t>{3, 5},
                            {33, 70},
                            {1030, 1100}}) {
    std::vector<float> src(rows * cols), dst(rows * cols, -1.0f);
    std::iota(src.begin(), src.end(), 0.0f);
    transposeMatrix(src.data(), rows, cols, dst.data());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        ASSERT_EQ(dst[c * rows + r], src[r * cols + c]) << rows << "x" << cols;
  }
}

} // namespace

namespace {

TEST(Elements, SignedIntStorageIsAViewOfTheCodes) {
  mlir::MLIRContext ctx;
  ctx.getOrLoadDialect<mlir::BuiltinDialect>();
  std::vector<int16_t> codes(32);
  std::iota(codes.begin(), codes.end(), -300);
  mlir::ElementsAttr a = makeIntElements(&ctx, {4, 8}, std::move(codes), "q");
  std::optional<SignedIntStorage> view = getSignedIntStorage(a);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->bits, 16u);
  EXPECT_EQ(view->size, 32);
  EXPECT_EQ(static_cast<const int16_t *>(view->data)[31], -269);
  // A small literal is viewed too; a splat or an unsigned type is not.
  EXPECT_EQ(getSignedIntStorage(makeIntElements(
                                    &ctx, {2}, std::vector<int8_t>{1, 2}, "s"))
                ->size,
            2);
  auto i8 = mlir::RankedTensorType::get({20}, mlir::IntegerType::get(&ctx, 8));
  EXPECT_FALSE(
      getSignedIntStorage(mlir::DenseElementsAttr::get(i8, llvm::APInt(8, 3)))
          .has_value());
  auto u8 = mlir::RankedTensorType::get(
      {20}, mlir::IntegerType::get(&ctx, 8, mlir::IntegerType::Unsigned));
  std::vector<uint8_t> bytes(20, 7);
  EXPECT_FALSE(getSignedIntStorage(mlir::DenseElementsAttr::get(
                                       u8, llvm::ArrayRef<uint8_t>(bytes)))
                   .has_value());
}

TEST(Elements, SignedIntCodesReadInPlaceOrFromACopy) {
  mlir::MLIRContext ctx;
  ctx.getOrLoadDialect<mlir::BuiltinDialect>();
  std::vector<int8_t> codes(24);
  std::iota(codes.begin(), codes.end(), -12);
  mlir::ElementsAttr a = makeIntElements(&ctx, {3, 8}, std::move(codes), "q");
  std::optional<SignedIntCodes> inPlace = SignedIntCodes::read(a);
  ASSERT_TRUE(inPlace.has_value());
  EXPECT_EQ(inPlace->size(), 24);
  // The attribute's own buffer, typed by its width.
  inPlace->visit([&](const auto *q) {
    EXPECT_TRUE((std::is_same_v<decltype(q), const int8_t *>));
    EXPECT_EQ(static_cast<const void *>(q), getSignedIntStorage(a)->data);
    EXPECT_EQ(q[23], 11);
  });
  // A splat has no buffer to read in place: its values are copied as int32.
  auto i8 = mlir::RankedTensorType::get({5}, mlir::IntegerType::get(&ctx, 8));
  std::optional<SignedIntCodes> splat = SignedIntCodes::read(
      mlir::DenseElementsAttr::get(i8, llvm::APInt(8, -3, true)));
  ASSERT_TRUE(splat.has_value());
  EXPECT_EQ(splat->size(), 5);
  splat->visit([](const auto *q) {
    EXPECT_TRUE((std::is_same_v<decltype(q), const int32_t *>));
    EXPECT_EQ(q[4], -3);
  });
  // A value beyond 32 bits is refused.
  auto i64 = mlir::RankedTensorType::get({2}, mlir::IntegerType::get(&ctx, 64));
  std::vector<int64_t> wide{1, int64_t{1} << 40};
  EXPECT_FALSE(SignedIntCodes::read(mlir::DenseElementsAttr::get(
                                        i64, llvm::ArrayRef<int64_t>(wide)))
                   .has_value());
}

TEST(Elements, ABlobThatDoesNotFitItsTypeHasNoData) {
  mlir::MLIRContext ctx;
  ctx.getOrLoadDialect<mlir::BuiltinDialect>();
  // Four i32 elements by the type, two in the blob (a truncated program).
  auto type =
      mlir::RankedTensorType::get({4}, mlir::IntegerType::get(&ctx, 32));
  std::vector<int32_t> two{5, 6};
  auto shortBlob = mlir::DenseResourceElementsAttr::get(
      type, "short",
      mlir::HeapAsmResourceBlob::allocateAndCopyInferAlign(
          llvm::ArrayRef<int32_t>(two)));
  EXPECT_FALSE(resourceBlobFitsType(shortBlob));
  EXPECT_FALSE(getSignedIntStorage(shortBlob).has_value());
  EXPECT_TRUE(getIntValues(shortBlob).empty());
  std::optional<SignedIntCodes> codes = SignedIntCodes::read(shortBlob);
  ASSERT_TRUE(codes.has_value());
  EXPECT_EQ(codes->size(), 0);
  std::vector<int32_t> four{1, 2, 3, 4};
  auto fits = mlir::DenseResourceElementsAttr::get(
      type, "fits",
      mlir::HeapAsmResourceBlob::allocateAndCopyInferAlign(
          llvm::ArrayRef<int32_t>(four)));
  EXPECT_TRUE(resourceBlobFitsType(fits));
  EXPECT_EQ(SignedIntCodes::read(fits)->size(), 4);
}

TEST(Elements, ReleaseFreesOnlyBlobsNothingRefersTo) {
  mlir::MLIRContext ctx;
  ctx.getOrLoadDialect<mlir::BuiltinDialect>();
  auto kept = mlir::cast<mlir::DenseResourceElementsAttr>(
      makeF32Elements(&ctx, {32}, std::vector<float>(32, 1.5f), "kept"));
  auto dropped = mlir::cast<mlir::DenseResourceElementsAttr>(
      makeF32Elements(&ctx, {32}, std::vector<float>(32, 2.5f), "dropped"));
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(mlir::UnknownLoc::get(&ctx));
  (*module)->setAttr("weights", kept);
  releaseUnreferencedBlobs(*module, {kept, dropped});
  EXPECT_EQ(getF32Values(kept), std::vector<float>(32, 1.5f));
  EXPECT_TRUE(dropped.getRawHandle().getBlob()->getData().empty());
}

} // namespace
