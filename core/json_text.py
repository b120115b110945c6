"""Text from LINE's JSON as the product can store and send it: JSON may escape a lone UTF-16
surrogate ("\\udc00"), which Redis cannot take and LINE would refuse."""

from __future__ import annotations

import json
import re
from typing import Any

# A lone surrogate can only come in as a JSON escape: UTF-8 text cannot carry one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def without_lone_surrogates(value: Any) -> Any:
    """`value` (a str, or lists and dicts of them) with each lone surrogate replaced by U+FFFD,
    every proper pair kept."""
    if isinstance(value, str):
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, list):
        return [without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {without_lone_surrogates(k): without_lone_surrogates(v) for k, v in value.items()}
    return value


def loads(text: str) -> Any:
    """JSON text (a webhook body) parsed, without lone surrogates; the walk through the value
    only when the text escapes a surrogate at all (an emoji's pair does, a plain body not)."""
    value = json.loads(text)
    return without_lone_surrogates(value) if _SURROGATE_ESCAPE.search(text) else value
