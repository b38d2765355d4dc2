"""Input limits: how big an export, a field or a table may be before the loader refuses it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Configurable bounds; the defaults fit a whole city's year of cases with room to spare.

    max_file_bytes   a larger file is refused (InputError) before it is read
    max_field_chars  a longer value rejects its row (a runaway quote usually causes this)
    max_rows         more rows than this in one table stop the load (InputError)
    validate         XML schema check: "fast" (default) skips the XSD validator for elements proven
                     valid without it (ingest/fastcheck.py: same outcome), "always" validates each one
    processes        an XML file of 32 MB or more is read by up to this many processes: 2 (default) lets a
                     forked helper read its second half when a core is idle (ingest/xml_split.py: same
                     outcome), 1 reads every file in one pass
    """

    max_file_bytes: int = 8 * 1024**3  # XML streams: 1,000,000 cases are about 3.4 GB; rows bound memory
    max_field_chars: int = 100_000
    max_rows: int = 5_000_000
    validate: str = "fast"
    processes: int = 2

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_field_chars", "max_rows"):
            if getattr(self, name) <= 0:
                raise ValueError(f"Limits.{name} must be positive")
        if self.validate not in ("fast", "always"):
            raise ValueError(f"Limits.validate must be 'fast' or 'always', not {self.validate!r}")
        if self.processes not in (1, 2):
            raise ValueError(f"Limits.processes must be 1 or 2, not {self.processes!r}")


DEFAULT_LIMITS = Limits()
