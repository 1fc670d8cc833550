"""Atomic file writes that leave nothing partial behind, even after `kill -9`.

Data is written into an anonymous file (Linux O_TMPFILE) that has no name until it is
complete; it is then linked under a temporary name and renamed over the target in one step.
Where that is unavailable, a named temp file is written instead. Temporary names live in a
hidden ``.flashgen-tmp/`` folder beside the target, never among the outputs; anything a killed
build left there is removed by the next build (``sweep``).
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from flashgen.errors import OutputError

TEMP_DIR = ".flashgen-tmp"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _error(target: Path, e: OSError) -> OutputError:
    if e.errno == errno.ENOSPC:
        return OutputError(f"{target}: no space left on device; the previous file is unchanged")
    return OutputError(f"{target}: cannot write ({e.strerror or e})")


_NO_LINK: set[int] = set()
"""Devices whose file system refused to link a nameless file: not tried again."""


def _anonymous(folder: Path, mode: int) -> int | None:
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not Path("/proc/self/fd").is_dir():
        return None
    try:
        if folder.stat().st_dev in _NO_LINK:
            return None
    except OSError:
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY, mode)
    except OSError as e:
        if e.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return None
        raise


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def _link_anonymous(folder: Path, temp: Path, data: bytes, mode: int) -> bool:
    """Write ``data`` into a nameless file and give it the name ``temp``; False if the file
    system cannot (no O_TMPFILE, or linking it is refused, as on some overlay mounts)."""
    fd = _anonymous(folder, mode)
    if fd is None:
        return False
    try:
        _write_all(fd, data)
        try:
            os.link(f"/proc/self/fd/{fd}", temp)
        except OSError as e:
            if e.errno in (errno.EXDEV, errno.EPERM, errno.ENOENT, errno.EOPNOTSUPP):
                _NO_LINK.add(os.fstat(fd).st_dev)
                return False
            raise
    finally:
        os.close(fd)
    return True


def write_bytes(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` in one step; on any failure the old file stays."""
    folder = target.parent
    mode = 0o666 & ~_umask()
    temp = folder / TEMP_DIR / f"{target.name}-{os.urandom(4).hex()}.tmp"
    try:
        temp.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            raise OutputError(f"{target}: is a folder; remove it or choose another --out")
        if not _link_anonymous(folder, temp, data, mode):
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
        os.replace(temp, target)
    except OSError as e:
        raise _error(target, e) from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()  # only there if something failed before the rename


def sweep(folder: Path) -> int:
    """Remove temp files a killed build left in ``folder``; returns how many."""
    removed = 0
    temp_dir = folder / TEMP_DIR
    if not temp_dir.is_dir():
        return 0
    for p in temp_dir.glob("*.tmp"):
        with contextlib.suppress(OSError):
            p.unlink()
            removed += 1
    return removed
