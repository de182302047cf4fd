"""A strict check of a JSON value against the tracker's own JSON Schemas of DfE's requests (schemas/).

The `jsonschema` library is not among the project's dependencies, so this checks the few keywords
the schemas use, and refuses a schema using any other (so that no rule is silently skipped):
type, const, enum, pattern, format (uuid, date-time), required, properties,
additionalProperties (false), dependentRequired, items. Pure: no Flask, no database.
"""
from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from functools import cache
from pathlib import Path

SCHEMAS = Path(__file__).parent / "schemas"
DECLARATION_REQUEST = "participant-declaration-request.json"
ANNOTATIONS = {"$schema", "$id", "title", "description"}
KNOWN = ANNOTATIONS | {"type", "const", "enum", "pattern", "format", "required", "properties", "additionalProperties",
                       "dependentRequired", "items"}
TYPES = {"object": dict, "string": str, "array": list, "boolean": bool, "null": type(None)}


@cache
def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def problems(value: object, schema_of: dict, at: str = "#") -> list[str]:
    """Every way the value breaks the schema, each as `#/path: what`; [] when it is valid."""
    unknown = set(schema_of) - KNOWN
    if unknown:
        raise ValueError(f"{at}: the schema uses {', '.join(sorted(unknown))}, which this check does not know")
    found: list[str] = []
    wanted = schema_of.get("type")
    if wanted is not None and not _is(value, wanted):
        return [f"{at}: {json.dumps(value)} is not of type {wanted}"]
    if "const" in schema_of and value != schema_of["const"]:
        found.append(f"{at}: {json.dumps(value)} is not {json.dumps(schema_of['const'])}")
    if "enum" in schema_of and value not in schema_of["enum"]:
        found.append(f"{at}: {json.dumps(value)} is not one of {', '.join(map(str, schema_of['enum']))}")
    if isinstance(value, str):
        if "pattern" in schema_of and not re.search(schema_of["pattern"], value):
            found.append(f"{at}: '{value}' does not match {schema_of['pattern']}")
        if "format" in schema_of and not _formatted(value, schema_of["format"]):
            found.append(f"{at}: '{value}' is not a {schema_of['format']}")
    if isinstance(value, dict):
        found += [f"{at}: '{name}' is required" for name in schema_of.get("required", ()) if name not in value]
        properties = schema_of.get("properties", {})
        for name, item in value.items():
            if name in properties:
                found += problems(item, properties[name], f"{at}/{name}")
            elif schema_of.get("additionalProperties", True) is False:
                found.append(f"{at}: '{name}' is not allowed")
        for name, needs in schema_of.get("dependentRequired", {}).items():
            if name in value:
                found += [f"{at}: '{need}' is required with '{name}'" for need in needs if need not in value]
    if isinstance(value, list) and "items" in schema_of:
        for index, item in enumerate(value):
            found += problems(item, schema_of["items"], f"{at}/{index}")
    return found


def _is(value: object, wanted: str) -> bool:
    if wanted == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, TYPES[wanted]) and not (wanted != "boolean" and isinstance(value, bool))


def _formatted(value: str, kind: str) -> bool:
    if kind == "uuid":
        try:
            return str(uuid.UUID(value)) == value.lower() and len(value) == 36
        except ValueError:
            return False
    if kind == "date-time":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return False
        return "T" in value
    raise ValueError(f"the format {kind} is not one this check knows")
