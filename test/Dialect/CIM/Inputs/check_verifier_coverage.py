"""Fails if a verifier message of the cim dialect has no negative test.

Collects every diagnostic the sources emit (the statements starting with
emitOpError, emitError, emitStageTooEarly or a `diag <<` continuation), takes
the string literals each streams or passes, and requires each literal to
appear in some `expected-error` of the tests.  A message built from several
literals around values ("tile needs " << r << "x" << c << " cells") is
covered when a test spells out the whole message.

usage: check_verifier_coverage.py <source dir> <test dir>
"""
import pathlib
import re
import sys

DIAGNOSTIC = re.compile(r"\b(?:emitOpError|emitError|emitStageTooEarly)\s*\(|\bdiag\s*<<")
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
EXPECTED = re.compile(r"expected-(?:error|warning|note)[^{]*\{\{(.*?)\}\}")


def statement_at(text, start):
    """The source from `start` to the `;` ending its statement."""
    i, in_string = start, False
    while i < len(text):
        c = text[i]
        if in_string:
            if c == "\\":
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == ";":
            return text[start:i]
        i += 1
    return text[start:]


def fragments(statement):
    """String literals of a statement; adjacent ones joined as C++ does."""
    joined = re.sub(r'"\s*\n\s*"', "", statement)
    return [bytes(m.group(1), "utf-8").decode("unicode_escape")
            for m in LITERAL.finditer(joined)]


def main(source_dir, test_dir):
    expected = []
    for test in sorted(pathlib.Path(test_dir).glob("*.mlir")):
        expected += EXPECTED.findall(test.read_text())
    missing = []
    for source in sorted(pathlib.Path(source_dir).glob("*.cpp")):
        text = source.read_text()
        for match in DIAGNOSTIC.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            for fragment in fragments(statement_at(text, match.start())):
                if not any(fragment in e for e in expected):
                    missing.append(f"{source.name}:{line}: {fragment!r}")
    if not expected:
        sys.exit(f"no expected-error lines under {test_dir}")
    for m in missing:
        print(f"untested verifier message: {m}")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main(*sys.argv[1:])
