"""`ksad catalog ...`."""

from ksad.cli.app import cli  # noqa: F401
