"""Exit codes of the command line, named in one place (DESIGN.md command-line contract)."""

DONE = 0
USAGE = 1
RULE_VIOLATION = 2
PERMISSION_DENIED = 3
NOT_FOUND = 4
STALE_EDIT = 5
