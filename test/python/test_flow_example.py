"""examples/flow.py, the documented flow script, runs and prints for each
target what its compile's report says, the table docs/python.md shows."""
import json
import os
import re
import subprocess
import sys

from conftest import src


def test_flow_example(tmp_path):
    out = tmp_path / "flow"
    run = subprocess.run(
        [sys.executable, src("examples", "flow.py"), "--images", "100",
         "--instances", "2", "--targets", "default,ibm-pcm-like",
         "--out", str(out)], capture_output=True, text=True,
        env=dict(os.environ))
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split()[:2] == ["target", "TOPS/W"]
    assert len(lines) == 3
    for line, target in zip(lines[1:], ["default", "ibm-pcm-like"]):
        m = re.fullmatch(r"(\S+) +([0-9.]+) +[0-9.]+ nJ +([0-9.]+)%  "
                         r"\[([0-9.]+), ([0-9.]+)\]", line)
        assert m and m.group(1) == target, line
        report = json.load(open(out / target / "report.json"))
        assert float(m.group(2)) == round(
            report["performance"]["tops_per_w"], 2)
        accuracy = report["simulation"][0]["accuracy_mean"]
        assert float(m.group(3)) == round(100 * accuracy, 2)
    # The table docs/python.md shows is this run's, line for line.
    doc = open(src("docs", "python.md")).read().splitlines()
    start = doc.index("$ PYTHONPATH=build/python python3 examples/flow.py "
                      "--images 100 --instances 2") + 1
    assert doc[start:start + len(lines)] == lines
