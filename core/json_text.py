"""Text from LINE's JSON as the product can store and send it: JSON may escape a lone UTF-16
surrogate ("\\udc00"), which Redis cannot take and LINE would refuse."""

from __future__ import annotations

from typing import Any


def without_lone_surrogates(value: Any) -> Any:
    """`value` (a str, or lists and dicts of them) with each lone surrogate replaced by U+FFFD,
    every proper pair kept. The webhook (keying senders) and the pipeline (handling the events)
    both read ids through this, so they agree on who sent what."""
    if isinstance(value, str):
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, list):
        return [without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {without_lone_surrogates(k): without_lone_surrogates(v) for k, v in value.items()}
    return value
