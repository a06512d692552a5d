"""Stops `nncc compile ... --simulate` with a signal (SIGINT unless
SIGNAL is given) while it simulates and checks that the process died of
that signal and that the output directory it created is gone (issue #13:
an empty directory was left).

Usage: interrupt_simulation.py DELAY_SECONDS OUT [SIGNAL] -- NNCC_COMPILE_COMMAND...
"""
import os
import signal
import subprocess
import sys
import time


def main():
    delay, out = float(sys.argv[1]), sys.argv[2]
    dashes = sys.argv.index("--")
    sig = signal.Signals[sys.argv[3]] if dashes > 3 else signal.SIGINT
    command = sys.argv[dashes + 1:]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(delay)
    # The compile itself takes ~0.2 s of this; the simulation is sized to
    # run for seconds, so the signal lands inside it.
    if proc.poll() is not None:
        sys.exit(f"the compile ended before the signal (status {proc.returncode})")
    proc.send_signal(sig)
    status = proc.wait()
    if status != -sig:
        sys.exit(f"exit status {status}, expected death by {sig.name}")
    if os.path.exists(out):
        sys.exit(f"{out} exists after the interrupt: {sorted(os.listdir(out))}")
    print("ok: no output directory")


if __name__ == "__main__":
    main()
