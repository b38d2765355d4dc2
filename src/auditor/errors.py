"""The error tree and the exit codes, in one place.

    AuditorError                  base; carries a user-facing message, never a traceback
    ├── UsageError                bad command-line use                        -> exit 2
    ├── ConfigError               bad profile, parameter file, calendar file  -> exit 2
    │   └── RuleError             bad rule file (names file, line, rule id)   -> exit 2
    └── InputError                an export cannot be read at all             -> exit 3

Bad *rows* are not errors: they become `RejectedRow` entries in the load report, and the run goes on.

Exit codes (documented in README "Exit codes"):
    0    no finding at or above --fail-on
    1    findings at or above --fail-on
    2    usage, configuration or rule error
    3    unreadable input (with --strict: rejected rows too)
    4    internal error of auditor itself (traceback written to a file, path printed)
    130  interrupted (Ctrl-C, SIGINT)
    143  terminated (SIGTERM)
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_CONFIG = 2
EXIT_INPUT = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class AuditorError(Exception):
    """Base of every error the user may cause; `str()` is the whole message."""

    exit_code = EXIT_CONFIG

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None):
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        super().__init__(self.render())

    def render(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file) + (f":{self.line}" if self.line else ""))
        if self.field:
            where.append(f"字段 {self.field}")
        return (" ".join(where) + ": " if where else "") + self.message


class UsageError(AuditorError):
    exit_code = EXIT_CONFIG


class ConfigError(AuditorError):
    exit_code = EXIT_CONFIG


class RuleError(ConfigError):
    """A rule file is broken; `rule_id` names the rule when known."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 rule_id: str | None = None, key: str | None = None):
        self.rule_id = rule_id
        self.key = key
        prefix = []
        if rule_id:
            prefix.append(f"规则 {rule_id}")
        if key:
            prefix.append(f"键 {key}")
        super().__init__((" ".join(prefix) + ": " if prefix else "") + message, file=file, line=line)


class InputError(AuditorError):
    exit_code = EXIT_INPUT
