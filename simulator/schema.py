"""Validate JSON bodies against LINE's own OpenAPI files, as the real platform would.

`jsonschema` knows nothing of OpenAPI's `discriminator`, and LINE's polymorphic schemas
(Message, Action, FlexComponent, …) are written so that a naive reading either accepts any
`type` or recurses forever: the concrete schema (TextMessage) is `allOf: [Message, {...}]`
while Message is what properties point to. So the component schemas are rewritten once:

* every schema with a discriminator becomes a dispatcher: `type` must be one of the mapping
  keys, and `if type == key then $ref: <concrete schema>`;
* the original body (without the discriminator) is kept as `<Name>.base`, and the
  `allOf` entries of concrete schemas point there instead of at the dispatcher;
* a concrete schema additionally pins `type` to its mapping key(s), so a FlexBox referenced
  directly (bubble.body) still must say `"type": "box"`.

Then LINE's limits that the file does not encode are checked by hand (simulator/limits.py).
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from simulator.limits import ErrorDetail, line_limits, rich_menu_limits

OPENAPI_DIR = Path(__file__).resolve().parent / "openapi"
MESSAGING_SPEC = OPENAPI_DIR / "messaging-api.yml"
WEBHOOK_SPEC = OPENAPI_DIR / "webhook.yml"

_REF_PREFIX = "#/components/schemas/"
_BASE_SUFFIX = ".base"


def property_path(parts: Iterable[str | int]) -> str:
    """`["messages", 0, "text"]` -> `messages[0].text`, the way LINE names properties."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _load_yaml(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10x faster
    with path.open("rb") as fh:
        return yaml.load(fh, Loader=loader)


def _rewrite(node: Any, discriminated: set[str], in_all_of: bool = False) -> Any:
    """Copy `node`, pointing `allOf` refs to discriminated schemas at their `.base` variant
    and turning OpenAPI's `nullable` into a JSON Schema type list."""
    if isinstance(node, list):
        return [_rewrite(item, discriminated, in_all_of) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and in_all_of:
            name = value.removeprefix(_REF_PREFIX)
            out[key] = _REF_PREFIX + name + _BASE_SUFFIX if name in discriminated else value
        elif key == "allOf" and isinstance(value, list):
            out[key] = [_rewrite(item, discriminated, in_all_of=True) for item in value]
        elif key == "discriminator":
            continue
        else:
            out[key] = _rewrite(value, discriminated)
    if out.get("nullable") is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


def _compile_components(schemas: dict[str, Any]) -> dict[str, Any]:
    discriminated = {
        name
        for name, schema in schemas.items()
        if isinstance(schema, dict) and "discriminator" in schema
    }
    # Concrete schema name -> the discriminator values that select it.
    type_keys: dict[str, list[str]] = {}
    for name in discriminated:
        for key, ref in schemas[name]["discriminator"].get("mapping", {}).items():
            type_keys.setdefault(ref.removeprefix(_REF_PREFIX), []).append(key)

    out: dict[str, Any] = {}
    for name, schema in schemas.items():
        rewritten = _rewrite(schema, discriminated)
        if name in type_keys and name not in discriminated:
            rewritten = {
                "allOf": [
                    rewritten,
                    {"properties": {"type": {"enum": sorted(type_keys[name])}}},
                ]
            }
        if name not in discriminated:
            out[name] = rewritten
            continue
        disc = schema["discriminator"]
        prop_name = disc.get("propertyName", "type")
        mapping: dict[str, str] = disc.get("mapping", {})
        out[name + _BASE_SUFFIX] = rewritten
        out[name] = {
            "type": "object",
            "required": [prop_name],
            "properties": {prop_name: {"enum": list(mapping), "x-discriminator": name}},
            "allOf": [
                {
                    "if": {"properties": {prop_name: {"const": key}}, "required": [prop_name]},
                    "then": {"$ref": ref},
                }
                for key, ref in mapping.items()
            ],
        }
    return out


_format_checker = FormatChecker(formats=())


@_format_checker.checks("uri")
def _is_uri(value: object) -> bool:
    # Lenient on purpose (http links are fine in a local demo): a scheme and no whitespace.
    if not isinstance(value, str):
        return True
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$", value))


def _describe(error: ValidationError) -> list[ErrorDetail]:
    """Turn a jsonschema error into LINE-style details (wording modelled on LINE's)."""
    path = list(error.absolute_path)
    where = property_path(path)
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        return [
            ErrorDetail("must be specified", property_path([*path, p]))
            for p in error.validator_value
            if p not in instance
        ]
    if kind == "maxLength" or kind == "minLength":
        lo, hi = schema.get("minLength", 0), schema.get("maxLength")
        bound = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        return [ErrorDetail(f"Length must be {bound}", where)]
    if kind == "maxItems" or kind == "minItems":
        lo, hi = schema.get("minItems", 0), schema.get("maxItems")
        bound = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        return [ErrorDetail(f"Size must be {bound}", where)]
    if kind in ("maximum", "minimum"):
        lo, hi = schema.get("minimum"), schema.get("maximum")
        return [ErrorDetail(f"Must be between {lo} and {hi}", where)]
    if kind == "enum":
        if "x-discriminator" in schema:
            return [
                ErrorDetail(
                    f"Unknown {schema['x-discriminator']} type {error.instance!r}; "
                    f"must be one of: {', '.join(map(str, error.validator_value))}",
                    where,
                )
            ]
        return [
            ErrorDetail(
                f"must be one of the following values: {', '.join(map(str, error.validator_value))}",
                where,
            )
        ]
    if kind == "type":
        return [ErrorDetail(f"The value must be of type {error.validator_value}", where)]
    if kind == "pattern":
        return [ErrorDetail(f"must match {error.validator_value}", where)]
    if kind == "format":
        return [ErrorDetail(f"Invalid {error.validator_value}", where)]
    return [ErrorDetail(error.message, where)]


class OpenApiValidator:
    """Validates bodies against the component schemas of one OpenAPI file."""

    def __init__(self, spec_path: Path | str):
        self.spec_path = Path(spec_path)
        self.spec = _load_yaml(self.spec_path)
        self._document = {
            "components": {"schemas": _compile_components(self.spec["components"]["schemas"])}
        }
        self._validators: dict[str, Draft202012Validator] = {}
        self._operations = self._index_operations()

    def _index_operations(self) -> list[tuple[str, re.Pattern[str], str | None]]:
        ops: list[tuple[str, re.Pattern[str], str | None]] = []
        for template, item in self.spec.get("paths", {}).items():
            pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
            for method, op in item.items():
                if not isinstance(op, dict) or method == "parameters":
                    continue
                content = (op.get("requestBody") or {}).get("content", {})
                ref = (content.get("application/json") or {}).get("schema", {}).get("$ref")
                name = ref.removeprefix(_REF_PREFIX) if ref else None
                ops.append((method.upper(), pattern, name))
        # Literal segments win over templates: /richmenu/list before /richmenu/{id}.
        ops.sort(key=lambda op: op[1].pattern.count("[^/]+"))
        return ops

    def schema_names(self) -> list[str]:
        return sorted(self.spec["components"]["schemas"])

    def request_schema(self, method: str, path: str) -> str | None:
        """Name of the JSON request-body schema of an operation, or None."""
        for op_method, pattern, name in self._operations:
            if op_method == method.upper() and pattern.match(path):
                return name
        return None

    def _validator(self, schema_name: str) -> Draft202012Validator:
        validator = self._validators.get(schema_name)
        if validator is None:
            if schema_name not in self._document["components"]["schemas"]:
                raise KeyError(schema_name)
            root = copy.copy(self._document)
            root["$ref"] = _REF_PREFIX + schema_name
            validator = Draft202012Validator(root, format_checker=_format_checker)
            self._validators[schema_name] = validator
        return validator

    def validate(self, schema_name: str, body: Any) -> list[ErrorDetail]:
        """All schema violations of `body`, LINE-style, in a stable order."""
        details: list[ErrorDetail] = []
        for error in self._validator(schema_name).iter_errors(body):
            for detail in _describe(error):
                if detail not in details:
                    details.append(detail)
        return sorted(details, key=_sort_key)


def error_body(details: list[ErrorDetail]) -> dict[str, Any]:
    """LINE's 400 body for an invalid request."""
    return {
        "message": f"The request body has {len(details)} error(s)",
        "details": [d.as_dict() for d in details],
    }


def check_request(validator: OpenApiValidator, schema_name: str, body: Any) -> list[ErrorDetail]:
    """Schema errors first; LINE's extra limits only add what the schema did not flag."""
    details = validator.validate(schema_name, body)
    extra = rich_menu_limits(body) if schema_name == "RichMenuRequest" else line_limits(body)
    for detail in extra:
        if detail not in details:
            details.append(detail)
    return sorted(details, key=_sort_key)


def _sort_key(detail: ErrorDetail) -> tuple[str, str]:
    # messages[2] before messages[10]
    padded = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)):06d}]", detail.property)
    return padded, detail.message


@functools.cache
def messaging_validator() -> OpenApiValidator:
    return OpenApiValidator(MESSAGING_SPEC)


@functools.cache
def webhook_validator() -> OpenApiValidator:
    return OpenApiValidator(WEBHOOK_SPEC)


def parse_json(raw: bytes) -> Any:
    """Parse a request body; raises ValueError with LINE's wording."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError("The request body could not be parsed as JSON") from exc
