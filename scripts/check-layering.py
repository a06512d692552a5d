#!/usr/bin/python3
"""Checks that nncc's libraries depend only on libraries below them.

Data flows one way (docs/architecture.md): each library has a layer, and a
library may include headers of, and link, only libraries on lower layers
(or itself).  Both the #include lines of lib/, passes/ and include/nncc/
and the target_link_libraries of every CMakeLists.txt under lib/ and
passes/ are read.  Prints one line per violation and exits 1 if any.

Usage: check-layering.py [SOURCE_ROOT]
"""
import os
import re
import sys

# Bottom to top.  A new library gets a line here (and in
# docs/architecture.md); a directory that maps to no library is an error.
LAYERS = {
    "Support": 0,
    "Runtime": 1, "Target": 1, "Placement": 1,
    "DialectUtils": 2, "NN": 2,
    # The crossbar and the spiking program, side by side.
    "CIM": 3, "SNN": 3,
    # Side by side, so neither may use the other: the executor runs IR, it
    # does not read ONNX.
    "Import": 4, "Execution": 4,
    "Data": 5,
    "Analysis": 6,
    "Passes": 7,
    "Schedule": 8,
    "Simulation": 9, "PPA": 9,
    # Side by side: the compile flow and the design-flow collateral built
    # from its outputs.
    "Driver": 10, "Export": 10,
}

# Path prefixes (under lib/, include/nncc/ or the root) -> library; the
# longest match wins.
PREFIXES = {
    "Support": "Support", "Runtime": "Runtime", "Target": "Target",
    "Placement": "Placement", "Dialect/Utils": "DialectUtils",
    "Dialect/NN": "NN", "Dialect/CIM": "CIM", "Dialect/SNN": "SNN",
    "Dialect/SNN/Transforms": "Passes",
    "Dialect/CIM/Transforms": "Passes", "Conversion": "Passes",
    "Passes": "Passes", "InitAllPasses.h": "Passes", "passes": "Passes",
    "Import": "Import", "Data": "Data", "Execution": "Execution",
    "Analysis": "Analysis", "Schedule": "Schedule",
    "Simulation": "Simulation", "PPA": "PPA", "Driver": "Driver",
    "Export": "Export",
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"nncc/([^"]+)"', re.M)
ADD_LIBRARY = re.compile(r"add_library\(\s*(\w+)")
LINK = re.compile(r"target_link_libraries\(\s*(\w+)([^)]*)\)", re.S)


def library_of(relative):
    best = None
    for prefix, library in PREFIXES.items():
        if relative == prefix or relative.startswith(prefix + "/"):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, library)
    return best[1] if best else None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..")
    problems = []
    targets = {}  # CMake target -> library
    links = []    # (file, target, [linked targets])
    for top, strip in (("lib", "lib/"), ("passes", ""),
                       ("include/nncc", "include/nncc/")):
        base = os.path.join(root, top)
        for directory, _, files in os.walk(base):
            for name in sorted(files):
                path = os.path.join(directory, name)
                relative = os.path.relpath(path, root)
                owner = library_of(relative[len(strip):])
                text = open(path, encoding="utf-8", errors="replace").read()
                if owner is None and name == "CMakeLists.txt" and \
                        not ADD_LIBRARY.search(text):
                    continue  # only add_subdirectory lines
                if owner is None:
                    problems.append(f"{relative}: belongs to no known library "
                                    "(add it to scripts/check-layering.py)")
                    continue
                if name == "CMakeLists.txt":
                    for target in ADD_LIBRARY.findall(text):
                        targets[target] = owner
                    for target, rest in LINK.findall(text):
                        links.append((relative, target, rest.split()))
                    continue
                for included in INCLUDE.findall(text):
                    used = library_of(included)
                    if used is None:
                        problems.append(f"{relative}: includes nncc/{included}, "
                                        "which belongs to no known library")
                    elif used != owner and LAYERS[used] >= LAYERS[owner]:
                        problems.append(
                            f"{relative}: {owner} (layer {LAYERS[owner]}) "
                            f"includes nncc/{included} of {used} (layer "
                            f"{LAYERS[used]})")
    for relative, target, linked in links:
        owner = targets.get(target)
        if owner is None:
            continue  # an executable (benchmark) or a foreign target
        for dependency in linked:
            used = targets.get(dependency)
            if used and used != owner and LAYERS[used] >= LAYERS[owner]:
                problems.append(
                    f"{relative}: {target} ({owner}, layer {LAYERS[owner]}) "
                    f"links {dependency} ({used}, layer {LAYERS[used]})")
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
