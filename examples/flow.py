#!/usr/bin/env python3
"""A design flow through nncc's Python module (docs/python.md): compile a
model for each of several chips, simulate each compiled chip's accuracy on
Fashion-MNIST test images, and print TOPS/W against accuracy.

    PYTHONPATH=<prefix>/lib/python3/dist-packages python3 examples/flow.py \
        [--model examples/lenet5.onnx] [--targets default,ibm-pcm-like] \
        [--images 500] [--instances 3] [--out flow-out]
"""
import argparse
import os
import sys

import nncc

FASHION = "/usr/share/datasets/fashion-mnist"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.path.join(here, "lenet5.onnx"))
    parser.add_argument("--targets", default="default,ibm-pcm-like",
                        help="comma-separated files or bundled names")
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--out", default="flow-out")
    args = parser.parse_args()

    calibration = f"{FASHION}/train-images-idx3-ubyte.gz"
    test_set = (f"{FASHION}/t10k-images-idx3-ubyte.gz,"
                f"{FASHION}/t10k-labels-idx1-ubyte.gz:{args.images}")
    print(f"{'target':<24} {'TOPS/W':>8} {'energy/inf':>12} "
          f"{'accuracy':>9}  95 % CI")
    for target in args.targets.split(","):
        try:
            r = nncc.compile(args.model, target=target,
                             out=os.path.join(args.out, target),
                             calibration=calibration, calibration_limit=64,
                             simulate=test_set, instances=args.instances,
                             diagnose=False)
        except nncc.Error as error:
            # The same message `nncc compile` prints.
            print(f"error: {error}", file=sys.stderr)
            return 1
        low, high = r.simulation.ci95
        print(f"{target:<24} {r.ppa.tops_per_watt:8.2f} "
              f"{r.ppa.energy * 1e9:9.2f} nJ {100 * r.simulation.accuracy:8.2f}%"
              f"  [{100 * low:.2f}, {100 * high:.2f}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
