"""The local gate past `--no-verify`: a reference-transaction hook that judges what a branch is moved to."""
