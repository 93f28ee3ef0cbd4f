"""Export files are hashed as they are written: the digest is that of the bytes on disk."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

from crawler.export.writers import base
from crawler.export.writers.base import write_lines_atomically


class ShortWrites(io.RawIOBase):
    """A raw file that takes at most 1,000 bytes a write, as a file may."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        taken = bytes(data[:1000])
        self.data += taken
        return len(taken)

    def fileno(self) -> int:
        raise OSError("no file")


def test_short_writes_are_hashed_once(monkeypatch: Any) -> None:
    monkeypatch.setattr(base, "STARTS_WRITEBACK", False)
    raw = ShortWrites()
    hashing = base._HashingFile(raw)  # type: ignore[arg-type]
    lines = [f"line {n}\n".encode() for n in range(5000)]
    with io.BufferedWriter(hashing, buffer_size=4096) as out:
        out.writelines(lines)
    assert bytes(raw.data) == b"".join(lines)
    assert hashing.digest.hexdigest() == hashlib.sha256(raw.data).hexdigest()


def test_a_file_larger_than_the_writeback_step_is_written_and_hashed_whole(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(base, "OUTPUT_BUFFER", 64 << 10)
    monkeypatch.setattr(base, "WRITEBACK_BYTES", 128 << 10)
    lines = [b"x" * 999 + b"\n"] * 1000  # 1,000,000 bytes: seven steps
    digest = write_lines_atomically(tmp_path / "file.jsonl", lines)
    written = (tmp_path / "file.jsonl").read_bytes()
    assert written == b"".join(lines)
    assert digest == hashlib.sha256(written).hexdigest()
