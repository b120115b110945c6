"""The plan editor's form as a browser would post it, read from the page's HTML (for tests
over plain HTTP)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[list[str]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields.append([a["name"], a.get("value") or ""])
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append([a["name"], ""])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self.fields[-1][1] += data


def form_fields(html: str, form_id: str = "plan-form") -> list[list[str]]:
    """The [name, value] pairs the form posts (checked boxes only), in page order."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.fields


def with_values(fields: list[list[str]], **changes: str) -> list[tuple[str, str]]:
    """The fields with some set (keys use "__" for "."; a new name is added)."""
    wanted = {k.replace("__", "."): v for k, v in changes.items()}
    out = [(n, wanted.pop(n) if n in wanted else v) for n, v in fields]
    return out + list(wanted.items())
