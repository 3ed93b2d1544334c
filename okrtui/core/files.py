"""Writing files so that a crash leaves the old file or the new one, never a mix."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from okrtui.core.errors import OkrError


def write_atomic(path: Path, chunks: Iterable[bytes] | bytes, mode: int | None = None,
                 keep_mode: bool = True) -> None:
    """Temp file in the same folder, fsync, rename, fsync the folder.

    The file keeps the mode it had; a new one gets `mode` (default: 0o666 less the umask).
    With keep_mode=False it always gets `mode` (owner-only files: keys, exports).
    """
    if isinstance(chunks, bytes):
        chunks = [chunks]
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise OkrError(f"cannot write {path}: {err.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode if mode is not None and not keep_mode else _mode_for(path, mode))
        os.replace(tmp, path)
        _fsync_dir(folder)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise OkrError(f"cannot write {path}: {err.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(path: Path, mode: int | None) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        if mode is not None:
            return mode
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a directory; the rename itself is atomic
    finally:
        os.close(fd)
