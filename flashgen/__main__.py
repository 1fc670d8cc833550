"""The `flashgen` program: `python -m flashgen`, and the console script's entry point."""

from __future__ import annotations

import sys


def run() -> None:
    """Load the program and run it. Ctrl-C while it is still loading (its imports take a
    tenth of a second) ends it as Ctrl-C during a build does: one line, exit code 130, no
    traceback."""
    try:
        from flashgen.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    main()


if __name__ == "__main__":  # pragma: no cover
    run()
