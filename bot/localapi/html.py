"""Telegram's HTML parse mode, as strictly as the real server: plain text and entities, or the server's refusal."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Tag -> entity type; attributes allowed per tag.
_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href"},
    "span": {"class"},
    "code": {"class"},
    "tg-emoji": {"emoji-id"},
    "blockquote": {"expandable"},
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>")
_ATTRIBUTE = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")
_PLAIN = re.compile(r"[^<>&]+")


class ParseError(ValueError):
    """The text the real server would refuse with "can't parse entities"."""


@dataclass
class Parsed:
    text: str
    entities: list[dict[str, object]] = field(default_factory=list)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> Parsed:
    out: list[str] = []
    length = 0  # in UTF-16 code units, as Telegram counts offsets
    stack: list[tuple[str, int, dict[str, str]]] = []
    entities: list[dict[str, object]] = []
    position = 0
    while position < len(source):
        char = source[position]
        if char == "<":
            match = _TAG.match(source, position)
            if not match:
                raise ParseError(
                    f"Can't parse entities: unsupported start tag at byte offset {_bytes(source, position)}"
                )
            closing, name, raw_attributes = match.group(1) == "/", match.group(2).lower(), match.group(3)
            if name not in _TAGS:
                raise ParseError(
                    f'Can\'t parse entities: unsupported start tag "{name}" at byte offset {_bytes(source, position)}'
                )
            if closing:
                if not stack or stack[-1][0] != name:
                    raise ParseError(
                        f"Can't parse entities: unmatched end tag at byte offset {_bytes(source, position)}, "
                        f'expected "</{stack[-1][0]}>", found "</{name}>"'
                        if stack
                        else f"Can't parse entities: unexpected end tag at byte offset {_bytes(source, position)}"
                    )
                open_name, start, attributes = stack.pop()
                entity = _entity(open_name, start, length - start, attributes)
                if entity is not None:
                    entities.append(entity)
            else:
                stack.append((name, length, _attributes(name, raw_attributes, source, position)))
            position = match.end()
            continue
        if char == "&":
            match = _ENTITY.match(source, position)
            if not match:
                raise ParseError(
                    f"Can't parse entities: character entity expected at byte offset {_bytes(source, position)}"
                )
            decoded = _decode_entity(match.group(1))
            if decoded is None:
                raise ParseError(
                    f'Can\'t parse entities: unsupported entity "&{match.group(1)};" '
                    f"at byte offset {_bytes(source, position)}"
                )
            out.append(decoded)
            length += utf16_length(decoded)
            position = match.end()
            continue
        if char == ">":
            raise ParseError(f"Can't parse entities: unexpected '>' at byte offset {_bytes(source, position)}")
        plain = _PLAIN.match(source, position)
        assert plain is not None  # the character here is none of < > &
        out.append(plain.group())
        length += utf16_length(plain.group())
        position = plain.end()
    if stack:
        raise ParseError(f"Can't parse entities: can't find end tag corresponding to start tag \"{stack[-1][0]}\"")
    entities.sort(key=lambda entity: (entity["offset"], -int(entity["length"])))  # type: ignore[call-overload]
    return Parsed("".join(out), entities)


def _bytes(source: str, position: int) -> int:
    return len(source[:position].encode("utf-8"))


def _decode_entity(body: str) -> str | None:
    if body.startswith("#x"):
        return chr(int(body[2:], 16))
    if body.startswith("#"):
        return chr(int(body[1:]))
    return _NAMED_ENTITIES.get(body)


def _attributes(name: str, raw: str, source: str, position: int) -> dict[str, str]:
    allowed = _ATTRIBUTES.get(name, set())
    found = {}
    for attribute, value in _ATTRIBUTE.findall(raw):
        attribute = attribute.lower()
        if attribute not in allowed:
            continue  # Telegram ignores unknown attributes
        found[attribute] = value.strip("\"'")
    if name == "span" and found.get("class") != "tg-spoiler":
        raise ParseError(
            f'Can\'t parse entities: tag "span" must have class "tg-spoiler" at byte offset {_bytes(source, position)}'
        )
    if name == "a" and not found.get("href"):
        raise ParseError(f'Can\'t parse entities: tag "a" must have href at byte offset {_bytes(source, position)}')
    return found


def _entity(name: str, offset: int, length: int, attributes: dict[str, str]) -> dict[str, object] | None:
    if length == 0:
        return None
    entity: dict[str, object] = {"type": _TAGS[name], "offset": offset, "length": length}
    if name == "a":
        entity["url"] = attributes["href"]
    if name == "tg-emoji":
        entity["custom_emoji_id"] = attributes.get("emoji-id", "")
    if name == "blockquote" and "expandable" in attributes:
        entity["type"] = "expandable_blockquote"
    return entity
