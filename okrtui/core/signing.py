"""Ed25519 keys and signatures for team-file records (docs/team.md, "Keys").

A person's private key lives in a file beside their database (`okrtui.db.key`, owner-only);
their person record carries the public key. A record's signature covers its canonical
content: the record's JSON with sorted keys, compact separators, non-ASCII as is, and
without the `signature` field itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from okrtui.core.errors import OkrError
from okrtui.core.files import write_atomic

PrivateKey = Ed25519PrivateKey


def content(record: dict[str, Any]) -> bytes:
    """What a signature covers: the canonical JSON of the record without its signature."""
    body = {k: v for k, v in record.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def key_file(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".key")


def generate() -> PrivateKey:
    return Ed25519PrivateKey.generate()


def public_text(key: PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def private_text(key: PrivateKey) -> str:
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    return base64.b64encode(raw).decode("ascii")


def private_from_text(text: object) -> PrivateKey:
    raw = _b64(text, 32)
    if raw is None:
        raise OkrError("the private key is not 32 bytes of base64")
    return Ed25519PrivateKey.from_private_bytes(raw)


def is_public_text(text: object) -> bool:
    return _b64(text, 32) is not None


def _b64(text: object, size: int) -> bytes | None:
    if not isinstance(text, str) or len(text) > 200:
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == size else None


def save(path: Path, key: PrivateKey) -> None:
    """The key file, owner-only, written atomically (never readable by others, even for a moment)."""
    write_atomic(path, (private_text(key) + "\n").encode("ascii"), mode=0o600, keep_mode=False)


def load(path: Path) -> PrivateKey | None:
    try:
        text = path.read_text("ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise OkrError(f"cannot read the key file {path}: {getattr(err, 'strerror', None) or err}") from None
    if os.name == "posix" and path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)  # a key readable by others is tightened, never used as is
    try:
        return private_from_text(text)
    except OkrError:
        raise OkrError(f"the key file {path} does not hold an okrtui signing key") from None


def sign(key: PrivateKey, record: dict[str, Any]) -> str:
    return base64.b64encode(key.sign(content(record))).decode("ascii")


def verifies(public: str, record: dict[str, Any]) -> bool:
    """Whether the record's signature was made by the holder of `public` over this content."""
    raw_key, raw_sig = _b64(public, 32), _b64(record.get("signature"), 64)
    if raw_key is None or raw_sig is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(raw_key).verify(raw_sig, content(record))
    except (InvalidSignature, ValueError):
        return False
    return True


def fingerprint(public: str) -> str:
    """A public key's short readable form, to compare by voice or chat (docs/team.md, "Fingerprints"):
    SHA-256 of the 32 raw key bytes, its first 80 bits in base32, four groups of four."""
    raw = _b64(public, 32)
    if raw is None:
        return "(no key)"
    text = base64.b32encode(hashlib.sha256(raw).digest()[:10]).decode("ascii")
    return "-".join(text[i:i + 4] for i in range(0, 16, 4))


def parse_fingerprint(text: str) -> str | None:
    """A fingerprint as typed (any case, dashes or spaces or none) in its shown form, or None."""
    squeezed = "".join(ch for ch in text.upper() if ch not in "- ")
    if len(squeezed) != 16 or any(ch not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for ch in squeezed):
        return None
    return "-".join(squeezed[i:i + 4] for i in range(0, 16, 4))
