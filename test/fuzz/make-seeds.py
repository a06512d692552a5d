#!/usr/bin/env python3
"""(Re)writes the fuzz harnesses' seed corpora and dictionaries under
test/fuzz/{corpus,dicts}: small, valid instances of each input format, so
that libFuzzer starts from files that get past the first checks.

    python3 test/fuzz/make-seeds.py build/bin/nncc

Seeds: chip descriptions = the bundled targets; ONNX models = tiny-cnn.onnx
and the ONNX conformance node models (libonnx-testdata) of every operator
nncc imports; compiled programs and programming.bin = tiny-cnn compiled
onto a few bundled targets (text and bytecode); tensor files = small .npy,
IDX (plain and gzip'ed) and TensorProto files, each behind the harness's
selector byte.  Dictionaries: the target schema's keys and words, the
imported operators and their attributes, the cim and nn ops.
"""
import gzip
import io
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from onnx import numpy_helper

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent.parent
NODE_TESTS = Path("/usr/share/libonnx-testdata/data/node")
PROGRAM_TARGETS = ["default", "isaac-rram", "sram-cim-macro", "nor-flash"]


def reset(directory):
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


def known_ops():
    """Operator -> attributes, from the importer's own table."""
    text = (ROOT / "lib/Import/KnownAttributes.cpp").read_text()
    lists = dict(re.findall(r"static const List (\w+) = \{([^}]*)\};", text))
    ops = {}
    for op, body in re.findall(r'\{"(\w+)",\s*(\{[^}]*\}|\w+)\}', text):
        body = lists.get(body, body)
        ops[op] = re.findall(r'"(\w+)"', body)
    return ops


def onnx_seeds(ops):
    out = reset(FUZZ / "corpus/onnx")
    shutil.copy(FUZZ / "models/tiny-cnn.onnx", out / "tiny-cnn.onnx")
    for test in sorted(NODE_TESTS.glob("test_*")):
        model = test / "model.onnx"
        camel = {op.lower(): op for op in ops}
        name = test.name[len("test_"):]
        # test_conv_with_strides_padding -> conv, the operator it tests.
        if any(name == op or name.startswith(op + "_") for op in camel) \
                and model.stat().st_size < 4096:
            shutil.copy(model, out / (test.name + ".onnx"))


def target_seeds():
    # Also the end-to-end compile's seeds (corpus/compile links here).
    out = reset(FUZZ / "corpus/target")
    for target in sorted((ROOT / "targets").glob("*.yaml")):
        shutil.copy(target, out / target.name)


def compile_seeds(nncc):
    programs = reset(FUZZ / "corpus/program")
    binaries = reset(FUZZ / "corpus/programming-bin")
    with tempfile.TemporaryDirectory() as tmp:
        for target in PROGRAM_TARGETS:
            for fmt in ["text", "bytecode"]:
                out = Path(tmp) / f"{target}-{fmt}"
                subprocess.run(
                    [nncc, "compile", str(FUZZ / "models/tiny-cnn.onnx"),
                     "--target", target, "-o", str(out),
                     f"--program-format={fmt}", "--time-multiplex"],
                    check=True, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)
                suffix = "mlir" if fmt == "text" else "mlirbc"
                shutil.copy(out / "mapped.mlir",
                            programs / f"tiny-cnn-{target}.{suffix}")
                if fmt == "text":
                    shutil.copy(out / "programming.bin",
                                binaries / f"tiny-cnn-{target}.bin")
    # The dialect tests' cases, one per seed (they are split-input files).
    for test in sorted((ROOT / "test/Dialect/CIM").glob("*.mlir")):
        cases = re.split(r"^// -----$", test.read_text(), flags=re.M)
        for i, case in enumerate(cases):
            (programs / f"dialect-{test.stem}-{i}.mlir").write_text(case)


def idx_bytes(array, code):
    header = bytes([0, 0, code, array.ndim])
    header += b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def tensor_seeds():
    # Selector byte: kind = byte % 4 (.npy, .idx, .pb, .gz), limit =
    # byte / 4 % 8 (TensorFileFuzzer.cpp).
    out = reset(FUZZ / "corpus/tensor-file")
    images = (np.arange(3 * 4 * 4) % 256).astype(np.uint8).reshape(3, 4, 4)
    labels = np.array([1, 0, 2], dtype=np.uint8)
    floats = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    npy = io.BytesIO()
    np.save(npy, floats)
    seeds = {
        "floats.npy": bytes([0]) + npy.getvalue(),
        "images.idx": bytes([1]) + idx_bytes(images, 0x08),
        "labels.idx": bytes([1 + 4 * 2]) + idx_bytes(labels, 0x08),
        "floats-be.idx": bytes([1]) + idx_bytes(floats, 0x0D),
        "floats.pb": bytes([2]) + numpy_helper.from_array(
            floats, "x").SerializeToString(),
        "images.gz": bytes([3 + 4]) + gzip.compress(
            idx_bytes(images, 0x08), mtime=0),
    }
    for name, data in seeds.items():
        (out / name).write_bytes(data)


def write_dict(name, words):
    lines = [f'"{w}"' for w in sorted(set(words))]
    (FUZZ / "dicts" / f"{name}.dict").write_text(
        f"# {name} harness dictionary, written by make-seeds.py\n"
        + "\n".join(lines) + "\n")


def dicts(nncc, ops):
    (FUZZ / "dicts").mkdir(exist_ok=True)
    schema = subprocess.run([nncc, "target", "schema"], check=True,
                            capture_output=True, text=True).stdout
    words = []
    for field in re.findall(r"^\| `([\w.]+)` \| ([^|]*)\|", schema, re.M):
        path, kind = field
        words += path.split(".")
        words += [w for w in re.split(r"[ /(),]+", kind) if w]
    words += ["nncc_target: 1", ": ", "- ", "{", "}", "[", "]", "&a", "*a",
              "uS", "nm", "GHz", "ns", "pJ", "mW", "um^2", "Mbit/s", "true",
              "false", "1e-300", "1e308", "-1", "0", "65536", "nan", ".inf"]
    write_dict("target", words)
    onnx_words = list(ops) + [a for attrs in ops.values() for a in attrs]
    write_dict("onnx", onnx_words + ["ai.onnx", "nncc"])
    td = "".join(p.read_text() for p in (ROOT / "dialects").rglob("*.td"))
    mlir_words = ["cim." + n for n in re.findall(r'CIM_Op<"([\w.]+)"', td)]
    mlir_words += ["nn." + n for n in re.findall(r'NN_Op<"([\w.]+)"', td)]
    mlir_words += re.findall(r"\$(\w+)", td)
    mlir_words += ["#cim.target", "func.func", "@main", "tensor<", "xf32>",
                   "xi8>", "dense<", "dense_resource<", "{-#", "#-}",
                   "dialect_resources", "builtin", "ML\\xefR"]
    write_dict("program", mlir_words)


def main(nncc):
    ops = known_ops()
    onnx_seeds(ops)
    target_seeds()
    compile_seeds(nncc)
    tensor_seeds()
    dicts(nncc, ops)
    for corpus in sorted((FUZZ / "corpus").iterdir()):
        files = list(corpus.iterdir())
        size = sum(f.stat().st_size for f in files)
        print(f"{corpus.name}: {len(files)} seeds, {size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
