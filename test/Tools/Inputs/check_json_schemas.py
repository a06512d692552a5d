"""Checks nncc's JSON outputs against the schemas in docs/schemas/.

Usage: check_json_schemas.py [--some] SCHEMA_DIR PATH...

Each schema must be a draft-07 schema named <schema>.schema.json whose
"schema" and "version" are constants, with an $id, a title, a description
on every property and `additionalProperties` said on every object that
lists properties.  Every *.json under each PATH (a file or a directory,
searched recursively) is validated against the schema its "schema" field
names; a file without that field, or naming a schema that has no file,
fails.  Every schema must be exercised by at least one file, so that a
schema cannot drift away from what nncc writes unnoticed (--some: the paths
hold only some kinds of output, e.g. compiles on every target).
"""
import collections
import json
import os
import sys

import jsonschema

DRAFT7 = "http://json-schema.org/draft-07/schema#"


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def check_documented(node, where, name):
    """Every declared object's properties described, and what else it
    allows said."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            check_documented(item, f"{where}/{i}", name)
        return
    if not isinstance(node, dict):
        return
    # Subschemas of if/then/not only constrain; objects declare.
    if node.get("type") == "object" and "properties" in node:
        if "additionalProperties" not in node:
            fail(f"{name}: {where or '/'}: object without "
                 "additionalProperties")
        for key, sub in node["properties"].items():
            if "description" not in sub:
                fail(f"{name}: {where}/properties/{key}: no description")
    for key, sub in node.items():
        if key not in ("const", "enum", "required"):
            check_documented(sub, f"{where}/{key}", name)


def load_schemas(directory):
    schemas = {}
    for file in sorted(os.listdir(directory)):
        if not file.endswith(".schema.json"):
            continue
        schema = json.load(open(os.path.join(directory, file)))
        name = file[: -len(".schema.json")]
        if schema.get("$schema") != DRAFT7:
            fail(f"{file}: $schema is not draft-07")
        jsonschema.Draft7Validator.check_schema(schema)
        for key in ("$id", "title", "description"):
            if not schema.get(key):
                fail(f"{file}: no {key}")
        props = schema.get("properties", {})
        if props.get("schema", {}).get("const") != name:
            fail(f"{file}: properties.schema is not const \"{name}\"")
        if not isinstance(props.get("version", {}).get("const"), int):
            fail(f"{file}: properties.version is not an integer const")
        if not {"schema", "version"} <= set(schema.get("required", [])):
            fail(f"{file}: schema and version are not required")
        check_documented(schema, "", file)
        schemas[name] = jsonschema.Draft7Validator(schema)
    return schemas


def outputs(paths):
    for path in paths:
        if os.path.isfile(path):
            yield path
            continue
        for dirpath, _, files in sorted(os.walk(path)):
            for file in sorted(files):
                if file.endswith(".json"):
                    yield os.path.join(dirpath, file)


def main():
    args = sys.argv[1:]
    some = args[:1] == ["--some"]
    if some:
        args = args[1:]
    schema_dir, paths = args[0], args[1:]
    schemas = load_schemas(schema_dir)
    seen = collections.Counter()
    for path in outputs(paths):
        try:
            document = json.load(open(path))
        except ValueError as e:
            fail(f"{path}: not JSON: {e}")
        name = document.get("schema") if isinstance(document, dict) else None
        if not isinstance(name, str):
            fail(f"{path}: no \"schema\" field")
        if name not in schemas:
            fail(f"{path}: no schema file for \"{name}\" in {schema_dir}")
        error = jsonschema.exceptions.best_match(
            schemas[name].iter_errors(document))
        if error:
            where = "/".join(str(p) for p in error.absolute_path)
            fail(f"{path}: {name}: at /{where}: {error.message}")
        seen[name] += 1
    unexercised = sorted(set(schemas) - set(seen))
    if unexercised and not some:
        fail("no output exercised " + ", ".join(unexercised))
    for name in sorted(seen):
        print(f"{name}: {seen[name]}")
    print(f"ok: {sum(seen.values())} files, {len(schemas)} schemas")


if __name__ == "__main__":
    main()
