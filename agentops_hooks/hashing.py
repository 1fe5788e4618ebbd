"""Content hashes for caches and records, without importing OpenSSL on the hook path."""

from __future__ import annotations

try:  # hashlib's blake2b lives in _blake2; importing hashlib itself loads OpenSSL (milliseconds)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the builtin module
    from hashlib import blake2b


def digest(data: bytes) -> str:
    """A hex digest of the bytes (BLAKE2b, 256 bits)."""
    return blake2b(data, digest_size=32).hexdigest()


def sha256_hex(text: str) -> str:
    """The SHA-256 hex digest of the text's UTF-8 bytes: finding fingerprints, which outside tools keep.

    hashlib (and OpenSSL) load on the first call only: no hook path calls this.
    """
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
