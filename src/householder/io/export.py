"""Writing results to files the user names. Every output goes through :func:`write_output`
(``--csv``, ``--write-after``, ``import -o`` and ``init -o``; ``report --out`` as well):

- an output never replaces an input, whatever the flags: not by the same name, not through
  ``./``, a symbolic link or a hard link (compared by device and inode);
- an existing file is replaced only with ``force``, and only a regular file (never a device,
  a pipe or a folder);
- a missing folder, a file where the folder should be, a folder that cannot be written: a
  clear :class:`InputError`, never a traceback;
- the file is written whole or not at all: to a temporary file in the same folder, then
  renamed over the target (``os.replace``), so a failure half way leaves the old file as it
  was.

:func:`write_after` writes the household after a plan's trades (``plan --write-after``) as an
edit of the original file: in YAML (ruamel.yaml's round trip) and TOML (tomlkit) its comments,
order and layout are kept, and only what the trades change is written anew; JSON keeps its
keys' order (docs/plan.md, "The household after the trades").
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import stat
import tempfile
from collections.abc import Mapping, MutableMapping, MutableSequence, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from householder.errors import HouseholdFileError, InputError, PlanError
from householder.model.book import Book
from householder.model.household import Household
from householder.model.variants import PlanLike, after_trades


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (or cannot be looked at): not the same
        return False


def check_output(
    path: str | Path, *, inputs: Sequence[str | Path] = (), force: bool = False,
    flag: str = "output",
) -> Path:
    """The file an output to ``path`` writes (symbolic links followed), after every check
    that can be made before writing; raises :class:`InputError` naming ``flag`` and the fix.

    Run it before the work that produces the output, so a bad name fails at once."""
    given = Path(path)
    name = f"{flag} {given}"
    for source in inputs:
        if _same_file(given, Path(source)):
            raise InputError(
                f"{name} is the input file {source}; an output never replaces an input "
                "(not even with --force): choose another name"
            )
    # the folder as the system resolves it (out/../t.csv needs out/), then the file written:
    # through symbolic links, so a link is replaced by nothing, its target by the output
    if not os.path.isdir(given.parent):
        folder = given.parent
        if os.path.exists(folder):
            raise InputError(f"{name}: {folder} is a file, not a folder")
        parts = [given.parent, *given.parent.parents]
        if any(os.path.isfile(part) for part in parts):
            raise InputError(f"{name}: a part of {folder} is a file, not a folder")
        raise InputError(f"{name}: the folder {folder} does not exist; create it first")
    target = Path(os.path.realpath(given))
    folder = target.parent
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise InputError(f"{name}: a part of {folder} is a file, not a folder") from None
    except OSError as exc:
        raise InputError(f"{name} cannot be written: {exc.strerror or exc}") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{name} is a folder; give a file name inside it")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{name} is not a regular file (a device, a pipe or a socket); "
                             "give the name of a file")
        if not force:
            raise InputError(
                f"{name} exists; choose another name or pass --force to replace it"
            )
    if not folder.exists():
        raise InputError(f"{name}: the folder {folder} does not exist; create it first")
    if not folder.is_dir():
        raise InputError(f"{name}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{name}: cannot write in the folder {folder} (permission denied)")
    return target


def write_output(
    path: str | Path, content: str | bytes, *, inputs: Sequence[str | Path] = (),
    force: bool = False, flag: str = "output",
) -> Path:
    """Write ``content`` to ``path`` atomically, after :func:`check_output`; the path
    written."""
    target = check_output(path, inputs=inputs, force=force, flag=flag)
    data = content.encode("utf-8") if isinstance(content, str) else content
    name = f"{flag} {path}"
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:100]}.",
                                   suffix=".tmp")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"{name} cannot be written in {target.parent}: {reason}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(target))
        if force:
            os.replace(tmp, target)
        else:
            # create only if absent, atomically: a file that appeared since the check stays
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise InputError(
                    f"{name} exists; choose another name or pass --force to replace it"
                ) from None
            except OSError:  # a file system without hard links
                if target.exists():
                    raise InputError(
                        f"{name} exists; choose another name or pass --force to replace it"
                    ) from None
                os.replace(tmp, target)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"{name} cannot be written: {reason}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return target


def _mode_for(target: Path) -> int:
    """The replaced file's permissions, or a new file's (0666 less the umask)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence[str]],
              *, force: bool = False, inputs: Sequence[str | Path] = (),
              flag: str = "--csv") -> Path:
    """Write a CSV file through :func:`write_output`."""
    return write_output(path, csv_text(headers, rows), inputs=inputs, force=force, flag=flag)


# -- the household after the trades --------------------------------------------------------------

HOUSEHOLD_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json"}


def household_format(path: str | Path, flag: str = "--write-after") -> str:
    """``yaml``, ``toml`` or ``json``, by the name's extension (as the reader chooses)."""
    fmt = HOUSEHOLD_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(f"{flag} {path}: a household file ends in .yaml, .yml, .toml or .json "
                         "(the format follows the name)")
    return fmt


def check_household_output(
    path: str | Path, *, inputs: Sequence[str | Path], force: bool = False,
    flag: str = "--write-after",
) -> Path:
    """:func:`check_output` for a household file: also its extension (before any work)."""
    household_format(path, flag)
    return check_output(path, inputs=inputs, force=force, flag=flag)


@dataclass(frozen=True)
class WrittenHousehold:
    path: Path
    notes: tuple[str, ...]
    """What the file cannot record of the trades (:func:`after_trades`)."""


def write_after(
    output: str | Path, source: str | Path, book: Book, plan: PlanLike, *, force: bool = False,
    groups: Mapping[str, str] | None = None, flag: str = "--write-after",
) -> WrittenHousehold:
    """Write the household of ``source`` (loaded as ``book``) after ``plan``'s trades to the
    new file ``output`` (never over ``source``), and check that it reads back as exactly that
    household. ``groups``: each fund's wash-sale group (:func:`after_trades`)."""
    fmt = household_format(output, flag)
    after = after_trades(book, plan, groups)
    text = household_text(source, book.household, after.household, fmt)
    _check_reads_back(text, fmt, output, after.household)
    path = write_output(output, text, inputs=[source], force=force, flag=flag)
    return WrittenHousehold(path, after.notes)


def household_text(source: str | Path, before: Household, after: Household, fmt: str) -> str:
    """The file ``source`` (whose household is ``before``) edited to hold ``after``, in
    ``fmt``: every part whose value is the same left as the file has it (its spelling, comments
    and place), the rest written anew. In another format than the source's, the edited data
    is written in that format (its keys in the file's order; comments cannot follow)."""
    src = Path(source)
    given = household_format(src, "the household file")
    text = _source_text(src)
    doc = _load(text, given)
    old = before.model_dump(by_alias=True, exclude_unset=True)
    new = after.model_dump(by_alias=True, exclude_unset=True)
    _Edit(given).mapping(doc, old, new, None)
    if fmt == given:
        return _dump(doc, fmt, text)
    return _convert(_plain(doc), fmt)


def _source_text(path: Path) -> str:
    """The household file's text as the reader reads it (a byte-order mark dropped, line ends
    made ``\\n``)."""
    from householder.io.reader import read_bytes

    text = read_bytes(path).decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _yaml(text: str) -> Any:
    """A round-trip YAML parser and writer set up as ``text`` is laid out (its indents)."""
    from ruamel.yaml import YAML

    yml = YAML(typ="rt")
    yml.Resolver = _pyyaml_resolver()
    yml.preserve_quotes = True
    yml.width = 4096  # a long line stays one line
    yml.representer.ignore_aliases = lambda data: True  # one date in two lots: no &id001
    mapping, sequence, offset = _yaml_indents(text)
    yml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yml


def _pyyaml_resolver() -> Any:
    """A resolver for ruamel.yaml that reads plain scalars by PyYAML's rules, which the reader
    uses (YAML 1.1 as PyYAML has it): ``31617E471`` (a CUSIP) is text, not the number 3×10^475
    that YAML 1.2 makes of it, and a new ``ON`` (a ticker) is quoted, since PyYAML would read a
    boolean."""
    import yaml
    from ruamel.yaml.resolver import BaseResolver

    class PyYamlResolver(BaseResolver):
        def __init__(self, version: Any = None, loader: Any = None,
                     loadumper: Any = None) -> None:
            super().__init__(loader if loader is not None else loadumper)

        @property
        def processing_version(self) -> Any:
            return (1, 1)

    for first, rules in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        for tag, regexp in rules:
            PyYamlResolver.add_implicit_resolver_base(tag, regexp, [first])
    return PyYamlResolver


def _yaml_indents(text: str) -> tuple[int, int, int]:
    """The file's mapping indent, and its block sequences' indent and dash offset (``key:`` then
    ``  - item`` is 4 and 2), guessed from the first of each; householder's own layout by
    default."""
    mapping: int | None = None
    sequence: tuple[int, int] | None = None
    parent: int | None = None  # the indent of the last line that ends in ``key:``
    for line in text.splitlines():
        body = line.strip()
        if not body or body.startswith(("#", "---", "...")):
            continue
        indent = len(line) - len(line.lstrip(" "))
        dash = body.startswith("- ") or body == "-"
        if parent is not None and dash and indent >= parent:  # ``key:`` then ``- item``
            if sequence is None:
                rest = body[1:]
                sequence = (indent - parent + 1 + len(rest) - len(rest.lstrip(" ")),
                            indent - parent)
        elif parent is not None and indent > parent and mapping is None:
            mapping = indent - parent
        if mapping is not None and sequence is not None:
            break
        key_only = body.split(" #", 1)[0].rstrip().endswith(":")
        parent = indent + (2 if body.startswith("- ") else 0) if key_only else None
    mapping = mapping if mapping and mapping > 0 else 2
    seq, offset = sequence if sequence else (mapping + 2, mapping)
    return mapping, max(seq, offset + 2), offset


def _load(text: str, fmt: str) -> Any:
    try:
        if fmt == "yaml":
            return _yaml(text).load(text)
        if fmt == "toml":
            import tomlkit

            return tomlkit.parse(text)
        return json.loads(text)
    except Exception as exc:  # read once already by the loader: this is not expected
        raise PlanError(f"the household file cannot be read again to be edited: {exc}") from None


def _dump(doc: Any, fmt: str, text: str) -> str:
    if fmt == "yaml":
        out = io.StringIO()
        yml = _yaml(text)
        yml.explicit_start = text.lstrip().startswith("---")
        yml.dump(doc, out)
        return out.getvalue()
    if fmt == "toml":
        import tomlkit

        return tomlkit.dumps(doc)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _plain(node: Any) -> Any:
    """Plain dicts, lists and scalars (a YAML or TOML document's data)."""
    if hasattr(node, "unwrap"):  # tomlkit
        return node.unwrap()
    if isinstance(node, Mapping):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [_plain(v) for v in node]
    for kind in (bool, int, float, str):
        if isinstance(node, kind):
            return kind(node)
    if isinstance(node, date):
        return date(node.year, node.month, node.day)
    return node


def _convert(data: dict[str, Any], fmt: str) -> str:
    """``data`` in another format than its file's: YAML as householder writes it, TOML with
    tomlkit (a null, which TOML cannot say, left out: it means the default), JSON."""
    if fmt == "yaml":
        from householder.io.importers.yamlout import render

        return render(data, spacing=[k for k in data if k not in {"name", "as_of"}])
    if fmt == "toml":
        import tomlkit

        return tomlkit.dumps(_without_nulls(data))
    return json.dumps(_jsonable(data), indent=2, ensure_ascii=False) + "\n"


def _without_nulls(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_nulls(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_without_nulls(v) for v in node if v is not None]
    return node


def _jsonable(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _jsonable(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_jsonable(v) for v in node]
    return node.isoformat() if isinstance(node, date) else node


def _check_reads_back(text: str, fmt: str, output: str | Path, after: Household) -> None:
    """The text about to be written is a valid household file, and exactly ``after``."""
    from householder.io.loader import build_book
    from householder.io.reader import parse_text

    try:
        written = build_book(parse_text(text, fmt, str(output)), source=str(output)).household
    except HouseholdFileError as exc:
        raise PlanError(f"the household after the trades would not be valid (please report "
                        f"this): {exc.problems[0] if exc.problems else exc}") from None
    if written != after:
        raise PlanError("the household after the trades would not read back as written "
                        "(please report this)")


def _number(value: Any) -> Any:
    """A float that is a whole number as an integer (``cash: 0``, ``shares: 267``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


class _Edit:
    """Edit a parsed file (a ruamel.yaml, tomlkit or plain JSON document) from what its
    household was (``old``, the model's data of the file) to what it becomes (``new``),
    touching only what differs. Items of a list are matched by their ``id``, ``fund`` or
    ``ticker`` (a lot without an id by the name the loader gives it: ``VTI-2``), else by
    place; a new item goes at the end, in the style of the file's format."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt

    # -- the walk ---------------------------------------------------------------------------
    def mapping(self, node: Any, old: Mapping[str, Any], new: Mapping[str, Any],
                fund: str | None) -> None:
        for key in [k for k in old if k not in new]:
            del node[key]
        for key, value in new.items():
            if key not in old:
                self.add(node, key, value)
            elif old[key] != value:
                inner = new.get("fund") if key == "lots" else None
                self.replace(node, key, old[key], value, inner if isinstance(inner, str) else None)

    def replace(self, node: Any, key: Any, old: Any, new: Any, fund: str | None) -> None:
        child = node[key]
        if isinstance(old, Mapping) and isinstance(new, Mapping) and isinstance(
                child, MutableMapping):
            self.mapping(child, old, new, None)
        elif isinstance(old, list) and isinstance(new, list) and isinstance(
                child, MutableSequence):
            self.sequence(child, old, new, fund)
        else:
            node[key] = self.fresh(new, inline=self.inline(node))

    def sequence(self, node: Any, old: list[Any], new: list[Any], fund: str | None) -> None:
        old_keys = [_key(item, i, fund) for i, item in enumerate(old)]
        new_keys = [_key(item, i, fund) for i, item in enumerate(new)]
        keyed = all(k is not None for k in old_keys + new_keys) and len(set(old_keys)) == len(
            old_keys) and len(set(new_keys)) == len(new_keys)
        if not keyed:  # by place
            for i in range(min(len(old), len(new))):
                if old[i] != new[i]:
                    self.replace(node, i, old[i], new[i], None)
            for i in reversed(range(len(new), len(old))):
                del node[i]
            for item in new[len(old):]:
                self.append(node, item)
            return
        wanted = set(new_keys)
        for i in reversed(range(len(old))):
            if old_keys[i] not in wanted:
                del node[i]
        kept = [(k, item) for k, item in zip(old_keys, old, strict=True) if k in wanted]
        place = {k: i for i, (k, _) in enumerate(kept)}
        for k, item in zip(new_keys, new, strict=True):
            if k in place:
                old_item = kept[place[k]][1]
                if old_item != item:
                    self.replace(node, place[k], old_item, item, None)
            else:
                self.append(node, item)

    # -- writing in the format's style ------------------------------------------------------
    def inline(self, node: Any) -> bool:
        """Whether ``node`` is written on one line (a flow mapping, an inline table)."""
        if self.fmt == "yaml":
            return bool(getattr(node, "fa", None) is not None and node.fa.flow_style())
        if self.fmt == "toml":
            from tomlkit.items import Array, InlineTable

            return isinstance(node, InlineTable | Array)
        return False

    def add(self, node: Any, key: str, value: Any) -> None:
        fresh = self.fresh(value, inline=self.inline(node))
        if key == "id" and self.fmt == "yaml":
            node.insert(0, key, fresh)  # a lot's id first, as the file's own lots
        elif key == "id" and self.fmt == "json":
            rest = list(node.items())
            node.clear()
            node[key] = fresh
            node.update(rest)
        else:
            node[key] = fresh

    def append(self, node: Any, item: Any) -> None:
        if self.fmt == "toml":
            from tomlkit.items import AoT

            if isinstance(node, AoT):  # an array of tables takes a table
                node.append(_toml_node(item, inline=False, table=True))
            else:
                node.append(self.fresh(item, inline=True))
            return
        node.append(self.fresh(item, inline=False))

    def fresh(self, value: Any, *, inline: bool) -> Any:
        """``value`` as a new node: a record of scalars on one line (a YAML flow mapping, a
        TOML inline table), anything larger in block style (a table), whole numbers as
        integers."""
        if self.fmt == "yaml":
            return _yaml_node(value)
        if self.fmt == "toml":
            return _toml_node(value, inline)
        return _json_node(value)


def _key(item: Any, index: int, fund: str | None) -> tuple[str, str] | None:
    if isinstance(item, Mapping):
        for name in ("id", "fund", "ticker"):
            if isinstance(item.get(name), str):
                return (name, item[name])
        if fund is not None:  # a lot without an id: the name the loader gives it
            return ("id", f"{fund}-{index + 1}")
    return None


def _is_record(value: Any) -> bool:
    return isinstance(value, Mapping) and not any(
        isinstance(v, Mapping | list) for v in value.values())


def _yaml_node(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, Mapping):
        node = CommentedMap((k, _yaml_node(v)) for k, v in value.items())
        if _is_record(value):
            node.fa.set_flow_style()
        else:
            node.fa.set_block_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_yaml_node(v) for v in value)
        if all(not isinstance(v, Mapping | list) for v in value):
            seq.fa.set_flow_style()
        else:
            seq.fa.set_block_style()
        return seq
    return _number(value)


def _toml_node(value: Any, inline: bool, table: bool = False) -> Any:
    import tomlkit

    if isinstance(value, Mapping):
        if not table and (inline or _is_record(value)):
            one_line: Any = tomlkit.inline_table()
            for k, v in value.items():
                one_line.append(k, _toml_node(v, True))
            return one_line
        block = tomlkit.table()
        for k, v in value.items():
            block.append(k, _toml_node(v, False))
        if table:
            block.add(tomlkit.nl())  # a blank line after it, as between the file's tables
        return block
    if isinstance(value, list):
        array = tomlkit.array()
        for v in value:
            array.append(_toml_node(v, True))
        if any(isinstance(v, Mapping) for v in value):
            array.multiline(True)
        return array
    return _number(value)


def _json_node(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _json_node(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_node(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return _number(value)
