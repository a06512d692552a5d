# Thin wrapper over CMake + Ninja.  `make run` / `make check` work on a fresh
# Debian 12 machine as root: missing packages are installed first.
BUILD    ?= build
JOBS     ?= 2
SANITIZE ?= 0
ifeq ($(SANITIZE),1)
  BUILD := $(BUILD)-asan
  CMAKE_EXTRA += -DNNCC_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
endif
LLVM_PREFIX = /usr/lib/llvm-19
MODEL  ?= examples/lenet5.onnx
TARGET ?= targets/default.yaml
# Activation ranges are calibrated on Fashion-MNIST training images; the
# mapping is the cheapest whose accuracy drop on 1,000 labelled training
# images stays within ACCURACY_BUDGET points (docs/accuracy-budget.md); the
# accuracy simulation then runs on the first 1,000 test images.
CALIBRATION ?= /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
VALIDATION ?= /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz,/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz:1000
ACCURACY_BUDGET ?= 2
TESTSET ?= /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz,/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz:1000

# libFuzzer harnesses (test/fuzz, docs/reliability.md): a clang build with
# ASan + UBSan in build-fuzz; `make fuzz` runs each for FUZZ_SECONDS (0: no
# bound) and at most FUZZ_RUNS executions (0: no bound), FUZZ_JOBS at once,
# with libFuzzer's FUZZ_SEED (0: random).  `make check` ends with a smoke of
# FUZZ_SMOKE_SECONDS per harness and a fixed seed.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?= 0
FUZZ_JOBS    ?= $(JOBS)
FUZZ_SEED    ?= 0
FUZZ_SMOKE_SECONDS ?= 20
FUZZERS      ?= onnx target program programming-bin tensor-file compile

# `make install PREFIX=...`: tools, headers, libraries with their CMake
# package and nncc.pc, bundled targets, docs (docs/embedding.md).
PREFIX ?= /usr/local

.PHONY: all deps configure build run check install clean fuzz fuzz-build

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -G Ninja -S . -B $(BUILD) -DMLIR_DIR=$(LLVM_PREFIX)/lib/cmake/mlir \
	  -DLLVM_EXTERNAL_LIT=$(LLVM_PREFIX)/build/utils/lit/lit.py $(CMAKE_EXTRA)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/bin/nncc compile $(MODEL) --target $(TARGET) -o $(BUILD)/out \
	  --calibration $(CALIBRATION) --accuracy-budget $(ACCURACY_BUDGET) \
	  --accuracy-set $(VALIDATION) --simulate $(TESTSET) --instances 3

check: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
ifneq ($(SANITIZE),1)
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) \
	  FUZZ_RUNS=0 FUZZ_SEED=1
endif

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

$(FUZZ_BUILD)/build.ninja:
	CC=clang-19 CXX=clang++-19 cmake -G Ninja -S . -B $(FUZZ_BUILD) \
	  -DMLIR_DIR=$(LLVM_PREFIX)/lib/cmake/mlir -DNNCC_FUZZ=ON \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo

fuzz-build: deps $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) --target nncc-fuzzers -j $(JOBS)

fuzz: fuzz-build
	scripts/run-fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_RUNS) \
	  $(FUZZ_JOBS) $(FUZZ_SEED) $(FUZZERS)

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(FUZZ_BUILD)
