"""Coverage-guided fuzzing of the YAML configuration loaders with atheris (optional).

    pip install -e '.[fuzz]'
    python fuzz/fuzz_yaml_configs.py -max_total_time=60

The first byte picks the loader (rule file, district profile, mapping profile, calendar, exception
register); the rest is the file. Anything but a ConfigError (RuleError included) is a crash.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from auditor.enrich.calendar import load_calendar_file
    from auditor.errors import ConfigError
    from auditor.exceptions_register import load_register
    from auditor.ingest import load_mapping
    from auditor.rules.loader import load_rule_pack
    from auditor.rules.params import load_profile as load_district

_DIR = Path(tempfile.mkdtemp(prefix="fuzz-yaml-"))
_PACK = load_rule_pack()
_LOADERS = (
    load_rule_pack,
    lambda p: load_district(p, _PACK.params, Path(_PACK.path)),
    load_mapping,
    load_calendar_file,
    load_register,
)


def test_one(data: bytes) -> None:
    if not data:
        return
    path = _DIR / "config.yaml"
    path.write_bytes(data[1:])
    try:
        _LOADERS[data[0] % len(_LOADERS)](path)
    except ConfigError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
