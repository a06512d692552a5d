# lit configuration for nncc's IR and command-line tests.
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "nncc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "unit", "conformance", "fuzz"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.nncc_obj_root, "test")

config.substitutions.append(("%nncc_src", config.nncc_src_root))
config.substitutions.append(("%nncc_obj", config.nncc_obj_root))
config.substitutions.append(("%python", "/usr/bin/python3"))

llvm_config.use_default_substitutions()
tool_dirs = [os.path.join(config.nncc_obj_root, "bin"), config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["nncc", "nncc-opt"], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# The HTML report's screenshot test needs Debian's chromium
# (scripts/install-deps.sh installs it); without it the test is skipped.
if os.path.exists("/usr/bin/chromium"):
    config.available_features.add("chromium")

# The SPICE cross-check needs Debian's ngspice (scripts/install-deps.sh
# installs it); without it the test is skipped.
if os.path.exists("/usr/bin/ngspice"):
    config.available_features.add("ngspice")

# The verification vectors' testbench needs Debian's iverilog
# (scripts/install-deps.sh installs it); without it the test is skipped.
if os.path.exists("/usr/bin/iverilog") and os.path.exists("/usr/bin/vvp"):
    config.available_features.add("iverilog")

# ASan reserves terabytes of address space: tests that bound memory with
# `ulimit -v` cannot run under SANITIZE=1.
# nncc built with MPI and Open MPI's launcher present: the mpirun tests.
if config.nncc_mpi == "ON" and os.path.exists("/usr/bin/mpirun"):
    config.available_features.add("mpi")
if config.nncc_sanitize in ("ON", "1", "TRUE"):
    config.available_features.add("asan")
