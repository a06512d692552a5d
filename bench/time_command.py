"""Times a command over several runs and reports wall time and peak RSS.

Usage: /usr/bin/python3 bench/time_command.py [--runs N] [--fresh DIR] -- CMD ARGS...

--fresh DIR removes DIR before every run (outside the timed region), so each
run writes a new output directory rather than replacing the files of the
previous run (replacing them costs file-system time of its own: on ext4 with
online discard, freeing the old blocks).

Peak RSS is the child's ru_maxrss from wait4 (kilobytes on Linux).  Prints
one line: min and median wall seconds and the largest peak RSS in MiB.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def run_once(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed: {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss / 1024.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh", default=None)
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    results = []
    for _ in range(args.runs):
        if args.fresh:
            shutil.rmtree(args.fresh, ignore_errors=True)
        results.append(run_once(cmd))
    times = [t for t, _ in results]
    rss = max(r for _, r in results)
    print(f"runs={args.runs} min={min(times):.3f}s "
          f"median={statistics.median(times):.3f}s peak_rss={rss:.1f}MiB")


if __name__ == "__main__":
    main()
