"""The written forms of values that inputs and stack config share: region names and the words
that mean true or false."""

from __future__ import annotations

import re

REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$")

TRUE_WORDS = ("true", "True")
FALSE_WORDS = ("false", "False")
"""The strings that `pulumi.Config.get_bool` accepts, and so do boolean inputs: a value read
with `Config.get` is a string."""
