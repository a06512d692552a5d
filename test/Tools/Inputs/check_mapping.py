"""Checks a compile output directory's mapping.json and execution.json.

Usage: check_mapping.py OUT_DIR [--min-array-utilization F]
                        [--min-replication-gain F]
Prints the figures it checked; exits 1 with a message when one fails.
"""
import argparse
import json
import math
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--min-array-utilization", type=float, default=0.0)
    parser.add_argument("--min-replication-gain", type=float, default=0.0)
    args = parser.parse_args()
    mapping = json.load(open(f"{args.out}/mapping.json"))
    execution = json.load(open(f"{args.out}/execution.json"))
    problems = []

    arrays = mapping["arrays"]
    chip = mapping["chip_arrays"]
    utilization = arrays / chip
    print(f"arrays {arrays} of {chip}: {100 * utilization:.1f} %")
    if utilization < args.min_array_utilization:
        problems.append(f"array utilization {utilization:.3f} < "
                        f"{args.min_array_utilization}")
    if arrays > chip:
        problems.append("more arrays than the chip has")

    gain = (mapping["interval_before_replication_s"] /
            mapping["pipeline_interval_s"])
    print(f"replication: throughput x{gain:.2f}")
    if gain < args.min_replication_gain:
        problems.append(f"replication gain {gain:.3f} < "
                        f"{args.min_replication_gain}")

    placement = mapping["placement"]
    if placement is None:
        problems.append("not placed")
    else:
        print(f"placement: {placement['method']}, gap "
              f"{100 * placement['gap']:.1f} %")
        if placement["lower_bound_bit_hops"] > placement["objective_bit_hops"]:
            problems.append("lower bound above the objective")

    # The schedule's stages are at least as slow as the arrays alone, and
    # their array time is the mapping's pipeline model.
    compute = max(s["compute_s"] for s in execution["stages"])
    if not math.isclose(compute, mapping["pipeline_interval_s"], rel_tol=1e-9):
        problems.append(f"schedule compute {compute} != pipeline interval "
                        f"{mapping['pipeline_interval_s']}")
    if execution["interval_s"] < compute:
        problems.append("schedule interval below its array time")
    if sum(s["arrays"] for s in execution["stages"]) != arrays:
        problems.append("schedule and mapping disagree on the arrays")

    for p in problems:
        print(f"error: {args.out}: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
