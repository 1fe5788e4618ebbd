"""Content hashes for caches and records, without importing OpenSSL on the hook path."""

from __future__ import annotations

try:  # hashlib's blake2b lives in _blake2; importing hashlib itself loads OpenSSL (milliseconds)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the builtin module
    from hashlib import blake2b


def digest(data: bytes) -> str:
    """A hex digest of the bytes (BLAKE2b, 256 bits)."""
    return blake2b(data, digest_size=32).hexdigest()
