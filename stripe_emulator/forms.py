"""Stripe's form encoding: ``line_items[0][price_data][currency]=gbp`` into nested dicts and lists."""

import re
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
MAX_DEPTH = 8


def parse_form(raw: str) -> dict:
    """Nest bracketed keys; a dict whose keys are all 0..n-1 becomes a list."""
    root: dict = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        match = _KEY.match(key)
        if not match:
            root[key] = value
            continue
        path = [match.group(1)] + re.findall(r"\[([^\[\]]*)\]", match.group(2))
        node = root
        for part in path[:-1][:MAX_DEPTH]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[path[-1]] = value
    return _listify(root)


def _listify(node):
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        indices = sorted(converted, key=int)
        if [int(i) for i in indices] == list(range(len(indices))):
            return [converted[i] for i in indices]
    return converted
