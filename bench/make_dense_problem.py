"""Writes a dense placement problem: two layers of N tiles, all-to-all.

Usage: /usr/bin/python3 bench/make_dense_problem.py OUT [--side N] [--k K]

The shape of the traffic graph nncc-place built before its sparse model
(every array of a layer sending to every array of the next), for checking
that the placement phases' work budgets hold: nncc-place-bench --problem OUT.
Weights 1 + (7a + 3b) % 5 as in the unit test's denseBipartite.
"""
import argparse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--side", type=int, default=1000)
    parser.add_argument("--k", type=int, default=64)
    args = parser.parse_args()
    n, k = args.side, args.k
    cores = (2 * n + k - 1) // k + 4
    with open(args.out, "w") as f:
        f.write("nncc-placement-problem 1\n")
        f.write(f"cores {cores} arrays_per_core {k} topology mesh "
                "width 0 height 0\n")
        f.write("buffer 0 tile_buffers 0\n")
        f.write(f"tiles {2 * n}\n")
        f.write("0\n" * n + "1\n" * n)
        f.write(f"edges {n * n}\n")
        for a in range(n):
            f.write("".join(f"{a} {n + b} {1 + (a * 7 + b * 3) % 5}\n"
                            for b in range(n)))


if __name__ == "__main__":
    main()
