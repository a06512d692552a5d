"""Runs a command and checks its exit status exactly (lit's `not` accepts
any non-zero status).

Usage: exit_status.py STATUS COMMAND [ARG...]

Prints `exit STATUS, N stderr line(s)` and then the command's stderr, so
that a test can check the one error line too; exits 1 if the status
differs (or the command died of a signal).
"""
import subprocess
import sys


def main():
    expected = int(sys.argv[1])
    run = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    lines = run.stderr.splitlines()
    print(f"exit {run.returncode}, {len(lines)} stderr line(s)")
    for line in lines:
        print(line)
    sys.exit(0 if run.returncode == expected else 1)


if __name__ == "__main__":
    main()
