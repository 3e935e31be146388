"""Read a household file (YAML, TOML or JSON, chosen by extension) into plain data.

Only a regular file is read, and only up to :data:`MAX_FILE_BYTES`: a pipe, a device
(``/dev/zero``) or a socket is refused before a byte is read (it could block or never end), and
a file past the limit is refused from its size. The parsed data may hold at most
:data:`MAX_VALUES` values (YAML aliases counted at every use). docs/file-reference.md ("Size
limits") states these limits.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from householder.errors import HouseholdFileError, Problem

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json"}

MAX_FILE_BYTES = 50_000_000
"""The largest household file read: 50 MB (a 200,000-lot household is about 20 MB of YAML)."""

MAX_VALUES = 5_000_000
"""The most values (mappings, lists and scalars) a parsed file may hold."""


class _DuplicateKey(ValueError):
    """A JSON object names one key twice (json.loads would keep the last silently)."""


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            shown = key if len(key) <= 40 else key[:40] + "…"
            raise _DuplicateKey(f"duplicate key {shown!r}; keep one")
        out[key] = value
    return out


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (about 4× faster on large files); the constructors
below are Python either way, so duplicate keys and dates behave the same."""


_STR_TAG = "tag:yaml.org,2002:str"


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A YAML loader that refuses duplicate keys: the second would silently replace the first.

    Its :meth:`resolve` gives the tags of PyYAML's own (the same implicit resolvers, tried in
    the same order), faster: the resolvers are looked up once per first character, and a
    plain scalar's tag is remembered by its text (a file repeats its keys and many values). On
    a 10,000-lot household PyYAML's ``resolve`` took most of the parse (docs/performance.md)."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._tags: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0] and not self.yaml_path_resolvers:
            tag = self._tags.get(value)
            if tag is None:
                tag = _plain_tag(type(self), value)
                self._tags[value] = tag
            return tag
        return super().resolve(kind, value, implicit)


_RESOLVERS: dict[tuple[type, str], tuple[tuple[str, Any], ...]] = {}
_SAFE_RESOLVERS = yaml.SafeLoader.yaml_implicit_resolvers


_FAST = (
    (re.compile(r"[-+]?[0-9]+\.[0-9]+\Z"), "tag:yaml.org,2002:float"),
    (re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z"), "tag:yaml.org,2002:int"),
    (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"), "tag:yaml.org,2002:timestamp"),
)
"""The commonest numbers and dates of a household file (``12.50``, ``100``, ``2019-05-03``),
each given the tag PyYAML's resolvers give it (float, then int, then timestamp, in its order),
without its long regular expressions; tests/io/test_reader_speed.py checks them against
PyYAML's."""
_NUMERIC_START = frozenset("0123456789+-")


def _plain_tag(cls: type[yaml.SafeLoader], value: str) -> str:
    """The tag PyYAML's ``BaseResolver.resolve`` gives the plain scalar ``value``."""
    first = value[0] if value else ""
    if first in _NUMERIC_START and cls.yaml_implicit_resolvers is _SAFE_RESOLVERS:
        for pattern, fast in _FAST:
            if pattern.match(value):
                return fast
    key = (cls, first)
    resolvers = _RESOLVERS.get(key)
    if resolvers is None:
        table = cls.yaml_implicit_resolvers
        resolvers = tuple(table.get(first, [])) + tuple(table.get(None, []))
        _RESOLVERS[key] = resolvers
    for tag, regexp in resolvers:
        if regexp.match(value):
            return str(tag)
    return str(cls.DEFAULT_SCALAR_TAG)


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    keys = [k.value for k, _ in node.value if type(k) is yaml.ScalarNode and k.tag == _STR_TAG]
    if len(keys) == len(node.value) and len(set(keys)) == len(keys):
        # every key plain text and none repeated (the common case): nothing to check
        return loader.construct_mapping(node, deep=deep)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            repeated = key in seen
        except TypeError:  # an unhashable key ([a, b]: …); construct_mapping reports it
            continue
        if repeated:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {seen[key] + 1}); keep one",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


def _construct_timestamp(loader: _UniqueKeyLoader, node: yaml.ScalarNode) -> Any:
    """A date as YAML reads it; one that looks like a date but is not (``2024-13-45``) stays
    text, so the model reports it at its path instead of the YAML parser failing."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)
_UniqueKeyLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    _construct_timestamp,
)


def _parse_toml(text: str, source: str) -> Any:
    """TOML's data; tomllib is imported here, so that only TOML files pay for it (start-up of
    ``validate`` on a YAML file)."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = f"not valid TOML: {_clip(str(exc))}"
        raise HouseholdFileError(source, [Problem("", message)]) from None


def parse_text(text: str, fmt: str, source: str = "<text>") -> dict[str, Any]:
    """Parse ``text`` in ``fmt`` (yaml | toml | json); the top level must be a mapping."""
    try:
        if fmt == "yaml":
            data = yaml.load(text, Loader=_UniqueKeyLoader)  # a (C)SafeLoader subclass
        elif fmt == "toml":
            data = _parse_toml(text, source)
        elif fmt == "json":
            data = json.loads(text, object_pairs_hook=_unique_object)
        else:
            raise ValueError(fmt)
    except _DuplicateKey as exc:
        raise HouseholdFileError(source, [Problem("", f"not valid JSON: {exc}")]) from None
    except RecursionError:
        msg = f"not valid {fmt.upper()}: nested too deeply (a household file is a few levels deep)"
        raise HouseholdFileError(source, [Problem("", msg)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
        problem = _clip(" ".join(str(problem).split()))  # one line
        position = getattr(exc, "position", None)
        if not mark and isinstance(position, int):
            where = f"character {position + 1}: "
        message = f"{where}not valid YAML: {problem}"
        raise HouseholdFileError(source, [Problem("", message)]) from None
    except json.JSONDecodeError as exc:
        msg = f"line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}"
        raise HouseholdFileError(source, [Problem("", msg)]) from None
    if data is None or data == {}:
        raise HouseholdFileError(
            source, [Problem("", "the file is empty; start from examples/kendra.yaml")]
        )
    if not isinstance(data, dict):
        kind = type(data).__name__
        msg = f"the top level is a {kind}; it must be a mapping (name, as_of, target, accounts, …)"
        raise HouseholdFileError(source, [Problem("", msg)])
    _check_count(data, source)
    return data


def _check_count(data: Any, source: str) -> None:
    """At most :data:`MAX_VALUES` values, counted as validation will visit them (an alias at
    every use, so a 'billion laughs' file stops here, not in the validator)."""
    count = 0
    for _ in _values(data):
        count += 1
        if count > MAX_VALUES:
            msg = (
                f"holds more than {MAX_VALUES:,} values (YAML aliases count at every use); "
                "householder reads households up to that size"
            )
            raise HouseholdFileError(source, [Problem("", msg)])


def _values(data: Any) -> Iterator[Any]:
    stack = [data]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def read_file(path: str | Path) -> dict[str, Any]:
    """Read ``path`` by its extension: a regular file of at most :data:`MAX_FILE_BYTES`."""
    p = Path(path)
    fmt = SUFFIXES.get(p.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(SUFFIXES))
        suffix = _clip(p.suffix, 40)
        raise HouseholdFileError(
            str(p), [Problem("", f"unknown file type {suffix!r}; use one of {known}")]
        )
    raw = read_bytes(p)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8"
        raise HouseholdFileError(str(p), [Problem("", msg)]) from None
    # universal newlines, as text mode reads them: \r\n and a lone \r end a line
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return parse_text(text, fmt, str(p))


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path``, refusing anything else at once: what is not a
    regular file (a pipe would block, ``/dev/zero`` never ends) and a file over ``limit``."""
    def refuse(message: str) -> HouseholdFileError:
        return HouseholdFileError(str(path), [Problem("", message)])

    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the fstat below refuses it
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise refuse("no such file") from None
    except NotADirectoryError:
        raise refuse("no such file (a part of the path is a file, not a folder)") from None
    except IsADirectoryError:
        raise refuse("is a directory, not a file") from None
    except OSError as exc:  # permission denied, a symlink loop, a name too long, …
        if exc.errno == errno.ELOOP:
            raise refuse("cannot be read: a symbolic link that points to itself") from None
        reason = exc.strerror or type(exc).__name__
        raise refuse(f"cannot be read: {reason}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise refuse("is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            kind = (
                "a pipe" if stat.S_ISFIFO(info.st_mode)
                else "a socket" if stat.S_ISSOCK(info.st_mode)
                else "a device"
            )
            raise refuse(f"is {kind}, not a regular file; save the household to a file and "
                         "give its path")
        if info.st_size > limit:
            raise refuse(_too_large(info.st_size, limit))
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # st_size may lie (/proc) or the file may grow while read
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise refuse(_too_large(size, limit))
        return b"".join(chunks)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise refuse(f"cannot be read: {reason}") from None
    finally:
        os.close(fd)


def _too_large(size: int, limit: int) -> str:
    return (
        f"is {size / 1e6:,.1f} MB; householder reads household files up to "
        f"{limit / 1e6:,.0f} MB (docs/file-reference.md, \"Size limits\")"
    )
