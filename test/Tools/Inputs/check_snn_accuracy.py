"""Checks a spiking report.json's accuracy at one readout timestep against
the float model's: exit 1 when it is more than POINTS below.

Usage: check_snn_accuracy.py REPORT_JSON TIMESTEPS POINTS
"""
import json
import sys


def main():
    report = json.load(open(sys.argv[1]))
    timesteps, points = int(sys.argv[2]), float(sys.argv[3])
    accuracy = report["accuracy"]
    print("readouts:", " ".join(str(p["timesteps"]) for p in accuracy["spiking"]))
    spiking = {p["timesteps"]: p["mean"] for p in accuracy["spiking"]}
    drop = 100 * (accuracy["float"] - spiking[timesteps])
    print(f"float {100 * accuracy['float']:.2f} %, spiking {100 * spiking[timesteps]:.2f} % "
          f"at {timesteps} timesteps: {drop:.2f} points below")
    if drop > points:
        print(f"error: more than {points} points below float", file=sys.stderr)
        return 1
    print(f"within {points} points of float at {timesteps} timesteps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
