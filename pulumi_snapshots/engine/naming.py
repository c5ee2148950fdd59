"""Autonaming: a target name made from the Pulumi resource name plus a suffix derived from who
makes it and the inputs that replace it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

SUFFIX_LENGTH = 7


@dataclass(frozen=True)
class NameRule:
    """What a service accepts as a generated name: letters, digits and single hyphens."""

    max_length: int
    lowercase: bool = False
    starts_with_letter: bool = False

    def generate(self, resource_name: str, seed: str) -> str:
        """`<sanitised resource name>-<7 hex characters>`, within the service's rules.

        The suffix is a digest of `seed` (the stack, the project, the resource and the inputs
        that replace it): a retried create finds its own snapshot, preview and up show the same
        name, and a replacement, whose replacing inputs differ, gets a new one.
        """
        base = resource_name.lower() if self.lowercase else resource_name
        base = re.sub(r"[^A-Za-z0-9]+", "-", base).strip("-")
        if self.starts_with_letter and not (base[:1].isascii() and base[:1].isalpha()):
            base = f"s-{base}".rstrip("-")
        base = base[: self.max_length - SUFFIX_LENGTH - 1].rstrip("-")
        suffix = hashlib.sha256(seed.encode()).hexdigest()[:SUFFIX_LENGTH]
        return f"{base}-{suffix}" if base else f"s-{suffix}"
