"""Stops `nncc compile ... --simulate` with SIGINT while it simulates and
checks that the output directory it created is gone (issue #13: an empty
directory was left).

Usage: interrupt_simulation.py DELAY_SECONDS OUT -- NNCC_COMPILE_COMMAND...
"""
import os
import signal
import subprocess
import sys
import time


def main():
    delay, out = float(sys.argv[1]), sys.argv[2]
    command = sys.argv[sys.argv.index("--") + 1:]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(delay)
    # The compile itself takes ~0.2 s of this; the simulation is sized to
    # run for seconds, so the signal lands inside it.
    if proc.poll() is not None:
        sys.exit(f"the compile ended before the signal (status {proc.returncode})")
    proc.send_signal(signal.SIGINT)
    status = proc.wait()
    if status != -signal.SIGINT:
        sys.exit(f"exit status {status}, expected death by SIGINT")
    if os.path.exists(out):
        sys.exit(f"{out} exists after the interrupt: {sorted(os.listdir(out))}")
    print("ok: no output directory")


if __name__ == "__main__":
    main()
