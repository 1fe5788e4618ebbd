"""Content hashes for caches, records, masked secrets and fingerprints, without OpenSSL on the hook path.

Importing `hashlib` loads OpenSSL (milliseconds on a hook run); the interpreter's builtin
`_blake2` and `_sha256` modules compute the same digests without it.
"""

from __future__ import annotations

try:  # the builtin modules; hashlib's namesakes as a fallback
    from _blake2 import blake2b
    from _sha256 import sha256  # type: ignore[import-not-found]  # builtin module, no stub
except ImportError:  # pragma: no cover - an interpreter without the builtin modules
    from hashlib import blake2b, sha256


def digest(data: bytes) -> str:
    """A hex digest of the bytes (BLAKE2b, 256 bits): cache keys and content checks."""
    return blake2b(data, digest_size=32).hexdigest()


def sha256_hex(data: str | bytes) -> str:
    """The SHA-256 hex digest of bytes, or of text as UTF-8 (lone surrogates as the bytes they escape)."""
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    return str(sha256(raw).hexdigest())
