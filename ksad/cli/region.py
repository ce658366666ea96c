"""`ksad region ...` (filled in by the region data work)."""

from ksad.cli.app import cli  # noqa: F401
