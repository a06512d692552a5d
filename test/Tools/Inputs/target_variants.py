"""Compiles a model on random variants of the bundled crossbar targets: each
variant scales a few numeric fields (a supply, a pulse, a size, a sigma...)
by one of 0.01x .. 100x, as a chip description nncc has never seen might.
Every variant must either compile or be refused with exit status 1 and an
error line that names the target (file:line:col) or the model, leaving no
output directory behind; a crash, another status or a silent refusal fails.
The compiled ones' reports are left for check_report.py.

Usage: target_variants.py NNCC MODEL TARGETS_DIR WORK_DIR SEED COUNT
"""
import glob
import os
import random
import re
import subprocess
import sys

# "key: number [unit]  # comment" lines; integers stay integers (>= 1).
NUMERIC = re.compile(r"^(\s*)([a-z_]+):(\s*)(-?[0-9.]+(?:e-?[0-9]+)?)"
                     r"(\s*[A-Za-zµ]*)(\s*(#.*)?)$")
FACTORS = [0.01, 0.1, 0.25, 0.5, 2, 4, 10, 100]


def variant(text, rng):
    lines = text.split("\n")
    fields = [i for i, line in enumerate(lines)
              if NUMERIC.match(line) and not line.startswith("nncc_target")]
    changed = []
    for i in rng.sample(fields, min(len(fields), rng.randint(1, 4))):
        m = NUMERIC.match(lines[i])
        value = float(m.group(4)) * rng.choice(FACTORS)
        if re.fullmatch(r"-?[0-9]+", m.group(4)):
            value = max(1, int(round(value)))
        lines[i] = f"{m.group(1)}{m.group(2)}:{m.group(3)}{value}{m.group(5)}"
        changed.append(f"{m.group(2)}={value}")
    return "\n".join(lines), changed


def main():
    nncc, model, targets_dir, work, seed, count = sys.argv[1:7]
    rng = random.Random(int(seed))
    targets = sorted(t for t in glob.glob(os.path.join(targets_dir, "*.yaml"))
                     if not re.search(r"^neuromorphic:", open(t).read(), re.M))
    compiled = refused = 0
    for i in range(int(count)):
        base = rng.choice(targets)
        text, changed = variant(open(base).read(), rng)
        target = os.path.join(work, f"variant{i}.yaml")
        with open(target, "w") as f:
            f.write(text)
        out = os.path.join(work, f"out{i}")
        run = subprocess.run([nncc, "compile", model, "--target", target,
                              "-o", out, "--time-multiplex"],
                             capture_output=True, text=True)
        what = f"{os.path.basename(base)} with {', '.join(changed)}"
        if run.returncode == 0:
            assert os.path.isfile(os.path.join(out, "report.json")), what
            compiled += 1
            continue
        assert run.returncode == 1, (what, run.returncode, run.stderr[-2000:])
        errors = [line for line in run.stderr.splitlines()
                  if line.startswith("error: ")]
        assert errors, (what, run.stderr)
        located = re.compile(re.escape(target) + r":\d+:\d+: |" +
                             re.escape(model) + ": ")
        assert all(located.match(e[len("error: "):]) for e in errors), \
            (what, errors)
        assert not os.path.exists(out), (what, "left", out)
        refused += 1
    print(f"compiled {compiled}, refused {refused}")


if __name__ == "__main__":
    main()
