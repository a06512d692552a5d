"""Checks `nncc run --images` output against the recorded float accuracy.

Usage: check_accuracy.py ACCURACY_JSON MODEL_KEY < nncc-output
The recorded accuracy comes from the training script (PyTorch on the same
10,000 test images); nncc must reproduce it to 0.01 %.
"""
import json
import re
import sys


def main():
    recorded = json.load(open(sys.argv[1]))[sys.argv[2]]
    text = sys.stdin.read()
    match = re.search(r"accuracy: ([0-9.]+)% \((\d+)/(\d+)\)", text)
    if not match:
        print("no accuracy line in:\n" + text)
        return 1
    correct, total = int(match.group(2)), int(match.group(3))
    want = recorded["accuracy"]
    got = correct / total
    print(f"{sys.argv[2]}: nncc {got:.4%} ({correct}/{total}), "
          f"recorded {want:.4%}")
    if total != recorded["total"] or abs(got - want) > 1e-4:
        print("FAILED: differs by more than 0.01 %")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
