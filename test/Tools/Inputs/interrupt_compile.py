"""Stops `nncc compile` with SIGINT and SIGTERM at many points of its run
and checks the output-directory contract after each (issue #13): a new
directory is absent or complete, an existing one untouched or complete
(complete = every file of a reference run, byte for byte).

Usage: interrupt_compile.py NNCC MODEL TARGET CALIBRATION WORKDIR [--points N]

At each of N delays evenly spaced over the reference run's wall time (and
a little past it), two compiles run side by side: one stopped by SIGINT,
one by SIGTERM, one writing a new directory and the other an existing one
(alternating), so N points take about N reference runs of wall time.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import time


def listing(path):
    return sorted(os.listdir(path)) if os.path.isdir(path) else None


def read(path):
    with open(path, "rb") as f:
        return f.read()


def start(args, out):
    return subprocess.Popen(
        [args.nncc, "compile", args.model, "--target", args.target,
         "--calibration", args.calibration, "-o", out],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("nncc")
    parser.add_argument("model")
    parser.add_argument("target")
    parser.add_argument("calibration")
    parser.add_argument("workdir")
    parser.add_argument("--points", type=int, default=20)
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    # Two reference compiles side by side, as the stopped ones run: their
    # wall time is what the delays spread over.
    ref = os.path.join(args.workdir, "reference")
    began = time.monotonic()
    pair = [start(args, ref + suffix)
            for suffix in ("", "-2")]
    if any(proc.wait() != 0 for proc in pair):
        sys.exit("reference compile failed")
    run_time = time.monotonic() - began
    expected = {name: read(os.path.join(ref, name)) for name in listing(ref)}
    # What an existing directory holds before a compile: a file the compile
    # does not write and an older version of one it does.
    before = {"notes.txt": b"mine\n", "mapping.txt": b"an older compile\n"}

    failures = []
    outcomes = {"absent or untouched": 0, "complete": 0}
    # The delays spread over 0.02 .. 1.15 reference runs; when the machine
    # is busier than during the reference pair (other tests running beside
    # this one) no stopped compile may have finished by then, so up to
    # three more points double the last delay until one has.
    delays = [run_time * (0.02 + 1.13 * i / max(args.points - 1, 1))
              for i in range(args.points)]
    i = 0
    while i < len(delays):
        delay = delays[i]
        runs = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            existing = (i + (sig == signal.SIGTERM)) % 2 == 1
            out = os.path.join(args.workdir, f"out-{i}-{sig.name}")
            if existing:
                os.makedirs(out)
                for name, data in before.items():
                    with open(os.path.join(out, name), "wb") as f:
                        f.write(data)
            runs.append((sig, existing, out,
                         start(args, out)))
        time.sleep(delay)
        for sig, existing, out, proc in runs:
            if proc.poll() is None:
                proc.send_signal(sig)
        for sig, existing, out, proc in runs:
            status = proc.wait()
            what = (f"point {i} ({delay:.2f} s), {sig.name}, "
                    f"{'existing' if existing else 'new'} directory")
            if status not in (0, -sig):
                failures.append(f"{what}: exit status {status}")
            names = listing(out)
            old = dict(before) if existing else {}
            if names == (sorted(old) if existing else None) and all(
                    read(os.path.join(out, n)) == d for n, d in old.items()):
                outcomes["absent or untouched"] += 1
                continue
            complete = dict(old)
            complete.update(expected)
            if names == sorted(complete) and all(
                    read(os.path.join(out, n)) == d
                    for n, d in complete.items()):
                outcomes["complete"] += 1
                continue
            failures.append(f"{what}: neither {'untouched' if existing else 'absent'} "
                            f"nor complete: {names}")
        strays = [n for n in os.listdir(args.workdir) if n.startswith(".")]
        if strays:
            failures.append(f"point {i}: temporaries beside the outputs: {strays}")
        i += 1
        if (i == len(delays) and outcomes["complete"] == 0 and
                len(delays) < args.points + 3):
            delays.append(2 * delays[-1])
    for failure in failures:
        print("FAIL:", failure)
    print(f"reference run {run_time:.2f} s; {2 * len(delays)} compiles "
          f"stopped: {outcomes['absent or untouched']} absent or untouched, "
          f"{outcomes['complete']} complete")
    # Both outcomes must occur, or the delays missed the compile.
    if failures or min(outcomes.values()) == 0:
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
