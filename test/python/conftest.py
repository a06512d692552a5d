"""Fixtures of the nncc Python tests (run by ctest as `python`, with
PYTHONPATH at the build tree's module and NNCC_TOOL/NNCC_SRC set by
test/CMakeLists.txt)."""
import os
import subprocess

import pytest

SRC = os.environ.get("NNCC_SRC", os.path.join(os.path.dirname(__file__),
                                              "..", ".."))
TOOL = os.environ.get("NNCC_TOOL", "nncc")
FASHION = "/usr/share/datasets/fashion-mnist"
TEST_SET = (f"{FASHION}/t10k-images-idx3-ubyte.gz,"
            f"{FASHION}/t10k-labels-idx1-ubyte.gz:200")
ADC_SET = f"{FASHION}/train-images-idx3-ubyte.gz:64"


def src(*parts):
    return os.path.join(SRC, *parts)


def tool(*args, cwd=None):
    """The command-line tool's run: (exit status, stdout, stderr)."""
    run = subprocess.run([TOOL, *args], cwd=cwd, capture_output=True,
                         text=True)
    return run.returncode, run.stdout, run.stderr


def tool_error(*args, cwd=None):
    """The tool's error message: its stderr without each `error: `."""
    status, _, err = tool(*args, cwd=cwd)
    assert status == 1, err
    lines = err.splitlines()
    assert lines and all(l.startswith("error: ") for l in lines), err
    return "\n".join(l[len("error: "):] for l in lines)


@pytest.fixture(scope="session")
def lenet(tmp_path_factory):
    """LeNet-5 on the default target, compiled once through the module."""
    import nncc
    out = tmp_path_factory.mktemp("lenet") / "out"
    return nncc.compile(src("examples", "lenet5.onnx"), target="default",
                        out=str(out))
