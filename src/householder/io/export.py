"""Writing results to files the user names. Every output goes through :func:`write_output`
(``--csv`` today; ``--write-after``, ``import -o`` and ``report --out`` use it as well):

- an output never replaces an input, whatever the flags: not by the same name, not through
  ``./``, a symbolic link or a hard link (compared by device and inode);
- an existing file is replaced only with ``force``, and only a regular file (never a device,
  a pipe or a folder);
- a missing folder, a file where the folder should be, a folder that cannot be written: a
  clear :class:`InputError`, never a traceback;
- the file is written whole or not at all: to a temporary file in the same folder, then
  renamed over the target (``os.replace``), so a failure half way leaves the old file as it
  was.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from householder.errors import InputError


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
