"""English readings of web addresses: URLs, domains, e-mails, handles, hashtags, phones."""

from __future__ import annotations

import re
from functools import lru_cache

from .core import Rule
from .en_words import (
    KNOWN_TLDS,
    SPOKEN_TLDS,
    c,
)
from .numbers import (
    cardinal,
    digits,
)

# --- web ------------------------------------------------------------------------------


@lru_cache(maxsize=2048)
def split_compound(word: str) -> str:
    """'kyivindependent' → 'kyiv independent' (wordninja's Wikipedia unigrams); a split into
    short fragments ('ukr in form') is not trusted and the word stays whole."""
    if len(word) < 6 or not word.isalpha():
        return word
    import wordninja

    parts = wordninja.split(word)
    if len(parts) > 1 and all(len(p) >= 3 for p in parts):
        return " ".join(parts)
    return word


def speak_address_part(part: str, split_words: bool = True) -> str:
    """One piece of a URL, domain or e-mail: words stay, digits are read one by one."""
    out = []
    for token in re.findall(r"[A-Za-z]+|\d+|[^A-Za-z\d]", part):
        if token.isdecimal():
            value = int(token)
            out.append(
                cardinal(value) if len(token) <= 4 and value % 100 == 0 and value else digits(token)
            )
        elif token.isalpha():
            out.append(split_compound(token) if split_words and token.islower() else token)
        else:
            out.append(
                {
                    ".": "dot",
                    "/": "slash",
                    "-": "dash",
                    "_": "underscore",
                    "@": "at",
                    "&": "ampersand",
                    "~": "tilde",
                    "?": "question mark",
                    "=": "equals",
                    "#": "hash",
                    ":": "colon",
                    "+": "plus",
                    "%": "percent",
                }.get(token, "")
            )
    return " ".join(w for w in out if w)


def speak_domain(domain: str) -> str:
    labels = domain.split(".")
    spoken = []
    for i, label in enumerate(labels):
        if i == len(labels) - 1 and label.isalpha() and label.lower() not in SPOKEN_TLDS:
            spoken.append(label.upper())
        elif label.lower() == "www":
            spoken.append("WWW")
        else:
            spoken.append(speak_address_part(label))
    return " dot ".join(spoken)


def _url(m: re.Match[str]) -> str:
    text = m.group(0)
    scheme = re.match(r"^(https?|ftp)://", text, flags=re.IGNORECASE)
    prefix = ""
    if scheme:
        prefix = f"{scheme.group(1).upper()} colon slash slash "
        text = text[scheme.end() :]
    if text.lower().startswith("file:///"):
        return "file colon slash slash slash " + speak_path(text[8:])
    host, slash, path = text.partition("/")
    spoken = prefix + (speak_domain(host) if "." in host else speak_address_part(host))
    if slash:
        spoken += " slash" + (" " + speak_path(path) if path else "")
    return spoken


FILE_EXTENSIONS = {
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "png": "P N G",
    "gif": "gif",
    "pdf": "P D F",
    "htm": "H T M",
    "html": "HTML",
    "php": "P H P",
    "mp3": "M P three",
}


def speak_path(path: str) -> str:
    parts = re.split(r"(/)", path)
    out = []
    for part in parts:
        if part == "/":
            out.append("slash")
        elif part:
            stem, dot, ext = part.rpartition(".")
            if dot and stem and ext.isalpha():
                said = FILE_EXTENSIONS.get(ext.lower(), ext.upper() if len(ext) <= 4 else ext)
                out.append(f"{speak_address_part(stem, False)} dot {said}")
            else:
                out.append(speak_address_part(part, False))
    return " ".join(out)


def _email(m: re.Match[str]) -> str:
    user, _, domain = m.group(0).partition("@")
    return f"{speak_address_part(user)} at {speak_domain(domain)}"


def _domain(m: re.Match[str]) -> str | None:
    host = m.group("host")
    tld = host.rsplit(".", 1)[-1]
    if any(len(label) < 2 for label in host.split(".")[:-1]) and tld.lower() not in KNOWN_TLDS:
        return None
    if tld.lower() not in KNOWN_TLDS and not (host.islower() and len(tld) >= 2):
        return None
    spoken = speak_domain(host)
    if m.group("path"):
        spoken += " slash " + speak_path(m.group("path").lstrip("/"))
    return spoken


def camel_words(name: str) -> str:
    """'KyivIndependent' → 'Kyiv Independent'; 'stand_with_ukraine' → 'stand with ukraine'."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|_", " ", name)
    return speak_address_part(spaced.replace(" ", "-")).replace(" dash ", " ")


def _handle(m: re.Match[str]) -> str:
    return "at " + camel_words(m.group(1))


def _hashtag(m: re.Match[str]) -> str:
    return "hashtag " + camel_words(m.group(1))


def _phone(m: re.Match[str]) -> str:
    groups = re.findall(r"\d+", m.group(0))
    spoken = ", ".join(digits(g) for g in groups)
    return ("plus " + spoken) if m.group(0).startswith("+") else spoken


WEB_RULES: list[Rule] = [
    (c(r"(?<![\w.+&-])[\w.+&-]+@[\w-]+(?:\.[\w-]+)+(?:/[\w./-]*)?"), _email),
    (
        c(
            r"\b(?:https?|ftp)://[^\s<>\"]*[^\s<>\".,;:!?)\]]|\bfile:///[^\s<>\"]*[^\s<>\".,;:!?)\]]",
            re.IGNORECASE,
        ),
        _url,
    ),
    (c(r"\bwww\.[\w-]+(?:\.[\w-]+)+(?:/[^\s<>\"]*[^\s<>\".,;:!?)\]])?", re.IGNORECASE), _url),
    (
        c(
            r"(?<![\w@./-])(?P<host>(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,6})(?P<path>/[\w./-]*[\w/])?"
            r"(?![\w@])(?!\.[A-Za-z])"
        ),
        _domain,
    ),
    (c(r"(?<![\w@])@([A-Za-z_]\w{0,30})\b"), _handle),
    (c(r"(?<![\w&#])#([A-Za-z_]\w*)"), _hashtag),
]
