"""Autonaming: a target name made from the Pulumi resource name plus a random suffix."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

SUFFIX_LENGTH = 7


@dataclass(frozen=True)
class NameRule:
    """What a service accepts as a generated name: letters, digits and single hyphens."""

    max_length: int
    lowercase: bool = False
    starts_with_letter: bool = False

    def generate(self, resource_name: str) -> str:
        """`<sanitised resource name>-<7 random hex characters>`, within the service's rules."""
        base = resource_name.lower() if self.lowercase else resource_name
        base = re.sub(r"[^A-Za-z0-9]+", "-", base).strip("-")
        if self.starts_with_letter and not (base[:1].isascii() and base[:1].isalpha()):
            base = f"s-{base}".rstrip("-")
        base = base[: self.max_length - SUFFIX_LENGTH - 1].rstrip("-")
        suffix = secrets.token_hex(4)[:SUFFIX_LENGTH]
        return f"{base}-{suffix}" if base else f"s-{suffix}"
