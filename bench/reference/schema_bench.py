#!/usr/bin/env python3
"""Schema validation benchmark, reference side (Python `jsonschema`, Draft7Validator).

  schema_bench.py generate DIR [COUNT]  writes DIR/schema.json and DIR/instances.json
                                        (COUNT small objects, deterministic, ~10 % invalid)
  schema_bench.py run DIR               validates every instance, prints `schema<TAB>seconds`
                                        (best of 3, seconds per validation) and the valid count
                                        on stderr
"""
import json
import random
import sys
import time

SCHEMA = {
    "type": "object",
    "required": ["id", "name", "score", "tags"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer", "minimum": 0, "maximum": 1000000},
        "name": {"type": "string", "minLength": 1, "maxLength": 32, "pattern": "^[a-z][a-z0-9_]*$"},
        "score": {"type": "number", "exclusiveMinimum": 0, "maximum": 100, "multipleOf": 0.5},
        "tags": {
            "type": "array",
            "items": {"type": "string", "enum": ["red", "green", "blue", "gray"]},
            "uniqueItems": True,
            "maxItems": 4,
        },
        "active": {"type": "boolean"},
        "kind": {"const": "cell"},
    },
}

COLORS = ["red", "green", "blue", "gray"]


def make_instance(rng):
    obj = {
        "id": rng.randrange(0, 1000000),
        "name": "cell_" + str(rng.randrange(0, 100000)),
        "score": rng.randrange(1, 200) / 2,
        "tags": rng.sample(COLORS, rng.randrange(0, 4)),
    }
    if rng.random() < 0.5:
        obj["active"] = rng.random() < 0.5
    if rng.random() < 0.3:
        obj["kind"] = "cell"
    broken = rng.random()
    if broken < 0.03:
        obj["name"] = "Bad Name"
    elif broken < 0.06:
        obj["score"] = 0
    elif broken < 0.08:
        obj["extra"] = 1
    elif broken < 0.10:
        del obj["tags"]
    return obj


def generate(directory, count):
    rng = random.Random(20260501)
    with open(f"{directory}/schema.json", "w") as f:
        json.dump(SCHEMA, f)
    with open(f"{directory}/instances.json", "w") as f:
        json.dump([make_instance(rng) for _ in range(count)], f)


def run(directory):
    from jsonschema import Draft7Validator

    with open(f"{directory}/schema.json") as f:
        validator = Draft7Validator(json.load(f))
    with open(f"{directory}/instances.json") as f:
        instances = json.load(f)
    best = float("inf")
    valid = 0
    for _ in range(3):
        start = time.perf_counter()
        valid = sum(1 for instance in instances if validator.is_valid(instance))
        best = min(best, time.perf_counter() - start)
    print(f"valid {valid} of {len(instances)}", file=sys.stderr)
    print(f"schema\t{best / len(instances)}")


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 100000)
    else:
        run(sys.argv[2])
