//===- OutputDirectoryTest.cpp - All-or-nothing output directories --------===//
#include "nncc/Support/OutputDirectory.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

using namespace nncc;
using namespace llvm;

namespace {

/// A fresh scratch directory, removed with everything in it at the end.
struct Scratch {
  SmallString<256> root;
  Scratch() {
    EXPECT_FALSE(sys::fs::createUniqueDirectory("nncc-outdir-test", root));
  }
  ~Scratch() { sys::fs::remove_directories(root); }
  std::string path(StringRef name) const {
    SmallString<256> p(root);
    sys::path::append(p, name);
    return std::string(p);
  }
};

std::string contents(const std::string &path) {
  auto buffer = MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : "<missing>";
}

/// Names in `dir`, hidden temporaries included.
std::vector<std::string> listing(const std::string &dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    names.push_back(sys::path::filename(it->path()).str());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(OutputDirectory, CommitWritesEveryFile) {
  Scratch s;
  std::string dir = s.path("out/nested");
  auto writer = OutputDirectoryWriter::create(dir);
  ASSERT_TRUE(static_cast<bool>(writer));
  (*writer)->add("a.txt", [](raw_ostream &os) {
    os << "alpha";
    return Error::success();
  });
  (*writer)->add("b.txt", [](raw_ostream &os) {
    os << "beta";
    return Error::success();
  });
  EXPECT_FALSE(static_cast<bool>((*writer)->commit()));
  EXPECT_EQ(contents(dir + "/a.txt"), "alpha");
  EXPECT_EQ(contents(dir + "/b.txt"), "beta");
  EXPECT_EQ(listing(dir), (std::vector<std::string>{"a.txt", "b.txt"}));
  EXPECT_EQ((*writer)->names(), (std::vector<std::string>{"a.txt", "b.txt"}));
}

TEST(OutputDirectory, AFailingFileWritesNothing) {
  Scratch s;
  std::string dir = s.path("out");
  ASSERT_FALSE(sys::fs::create_directories(dir));
  {
    // An earlier run's file.
    std::error_code ec;
    raw_fd_ostream old(dir + "/a.txt", ec);
    old << "old";
  }
  auto writer = OutputDirectoryWriter::create(dir);
  ASSERT_TRUE(static_cast<bool>(writer));
  (*writer)->add("a.txt", [](raw_ostream &os) {
    os << "new";
    return Error::success();
  });
  (*writer)->add("b.txt", [](raw_ostream &os) {
    os << "half";
    return createStringError(inconvertibleErrorCode(), "cannot encode");
  });
  Error e = (*writer)->commit();
  ASSERT_TRUE(static_cast<bool>(e));
  EXPECT_EQ(toString(std::move(e)), "b.txt: cannot encode");
  // The old file is untouched and no temporary is left.
  EXPECT_EQ(contents(dir + "/a.txt"), "old");
  EXPECT_EQ(listing(dir), (std::vector<std::string>{"a.txt"}));
}

TEST(OutputDirectory, WithoutCommitNothingStaysAndANewDirectoryGoes) {
  Scratch s;
  std::string dir = s.path("fresh");
  {
    auto writer = OutputDirectoryWriter::create(dir);
    ASSERT_TRUE(static_cast<bool>(writer));
    EXPECT_TRUE(sys::fs::is_directory(dir));
    (*writer)->add("a.txt", [](raw_ostream &os) {
      os << "unused";
      return Error::success();
    });
    // Destroyed without commit(): a compile that failed after this point.
  }
  EXPECT_FALSE(sys::fs::exists(dir));
}

TEST(OutputDirectory, AFileInTheWayIsAnError) {
  Scratch s;
  std::string file = s.path("file");
  {
    std::error_code ec;
    raw_fd_ostream os(file, ec);
  }
  auto writer = OutputDirectoryWriter::create(file);
  ASSERT_FALSE(static_cast<bool>(writer));
  EXPECT_NE(toString(writer.takeError()).find("cannot create directory"),
            std::string::npos);
}

} // namespace
