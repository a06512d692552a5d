#!/usr/bin/python3
"""Checks that each target's one-line `description` agrees with its fields.

A description is what a reader trusts first (it heads `nncc target show`
and every report), so each figure it states must be the one the loader
reads: node, array geometry, cell, bits per cell, weight/input/ADC bits and
rows read in parallel, one- or four-phase reads; a spiking chip's axons x neurons per core and synapse
bits.  The actual values come from `nncc target show`, the
same view a user gets.  Usage: check_target_descriptions.py NNCC TARGET...
Prints one line per disagreement and exits 1 if there is any.
"""
import re
import subprocess
import sys


def shown(nncc, path):
    out = subprocess.run([nncc, "target", "show", path], check=True,
                         capture_output=True, text=True).stdout
    lines = out.splitlines()
    facts = {"description": lines[1].strip()}
    m = re.search(r"^technology: (\d+(?:\.\d+)?) nm", out, re.M)
    facts["nm"] = m.group(1)
    m = re.search(r"^chip: (\d+) cores", out, re.M)
    facts["cores"] = m.group(1)
    m = re.search(r"^core: (\d+) axons x (\d+) neurons, (\d+)-bit synapses",
                  out, re.M)
    if m:
        # A spiking chip: no arrays, converters or weight slices to claim.
        facts["axons"], facts["neurons"], facts["synapse_bits"] = m.groups()
        for key in ("rows", "cols", "cell", "parallel", "bits_per_cell",
                    "adc_bits", "adc_type", "input_bits", "weight_bits",
                    "read_mode"):
            facts[key] = None
        return facts
    facts["axons"] = facts["neurons"] = facts["synapse_bits"] = None
    m = re.search(r"^array: (\d+)x(\d+) (\S+), (\d+) rows in parallel", out,
                  re.M)
    facts["rows"], facts["cols"], facts["cell"], facts["parallel"] = m.groups()
    facts["read_mode"] = ("four" if re.search(r"^array: .*four-phase reads",
                                              out, re.M) else "one")
    m = re.search(r"\((\d+) bit/cell\)", out)
    facts["bits_per_cell"] = m.group(1) if m else None
    m = re.search(r"^periphery: (\d+)-bit (\S+) ADC", out, re.M)
    facts["adc_bits"], facts["adc_type"] = m.groups()
    m = re.search(r"(\d+)-bit \S+ input", out)
    facts["input_bits"] = m.group(1)
    m = re.search(r"weight capacity \((\d+)-bit weights\)", out)
    facts["weight_bits"] = m.group(1)
    return facts


# (claim pattern in the description, fact key(s), how the claim reads)
CLAIMS = [
    (r"(\d+(?:\.\d+)?) nm", ["nm"]),
    (r"\b(\d+)x(\d+)\b(?! mesh)", ["rows", "cols"]),
    (r"(\d+) bits?/cell|(\d+)-bit cells|(\d+) bits? per cell", ["bits_per_cell"]),
    (r"(\d+)-bit weights|(\d+)-bit weights and inputs", ["weight_bits"]),
    (r"(\d+)-bit (?:weights and )?inputs", ["input_bits"]),
    (r"(\d+)-bit ADC", ["adc_bits"]),
    (r"(\d+) of \d+ rows read in parallel|all (\d+) rows read in parallel",
     ["parallel"]),
    (r"\b(1T1R|2T2R|1R|8T|6T)\b", ["cell"]),
    (r"(\d+) cores\b", ["cores"]),
    (r"(\d+) axons x (\d+) neurons", ["axons", "neurons"]),
    (r"(\d+)-bit synapses", ["synapse_bits"]),
    (r"\b(one|four)-phase read", ["read_mode"]),
]


def check(nncc, path):
    facts = shown(nncc, path)
    text = facts["description"]
    errors = []
    for pattern, keys in CLAIMS:
        m = re.search(pattern, text)
        if not m:
            continue
        claimed = [g for g in m.groups() if g is not None]
        actual = [facts[k] for k in keys]
        if claimed != actual:
            errors.append(f"{path}: description says '{m.group(0)}' but the "
                          f"fields give {'x'.join(str(a) for a in actual)}")
    return errors


def main():
    nncc, paths = sys.argv[1], sys.argv[2:]
    errors = [e for p in paths for e in check(nncc, p)]
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
