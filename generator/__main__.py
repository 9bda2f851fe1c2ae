"""`python -m generator` runs the factsheet command."""

import sys


def _by_interrupt(problem: BaseException | None) -> bool:
    """Whether Ctrl-C caused `problem`: Python wraps one that stops a class being made."""
    while problem is not None:
        if isinstance(problem, KeyboardInterrupt):
            return True
        problem = problem.__cause__ or problem.__context__
    return False


try:
    from generator.cli import main

    code = main()
except Exception as problem:  # Ctrl-C while starting: before anything was read or written
    if not _by_interrupt(problem):
        raise
    print("factsheet: interrupted", file=sys.stderr)
    code = 130
except KeyboardInterrupt:
    print("factsheet: interrupted", file=sys.stderr)
    code = 130
sys.exit(code)
