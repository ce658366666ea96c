"""Long listings as aligned columns, the way `docker ps` and `kubectl get` print them.

rich's Table lays out every cell as a renderable (padding, wrapping, cropping):
about 2 ms per row here, so 514 MoUs took 2.6 s to print and 165 apps 0.2 s,
more than the whole budget of a catalog command. A listing needs none of that:
widths come from rich's own ``cell_len`` (wide and combining characters count
right), and one styled ``Text`` is printed without wrapping, so long lines
fold in the terminal instead of squeezing the columns. Into a pipe or a file
there is nothing to style, so the lines are written as they are and rich's
console is not even imported (~35 ms). Small framed tables (the install plan,
identity, status) still use rich's Table.
"""

from __future__ import annotations

from typing import Sequence

GAP = "  "


def cell_len(text: str) -> int:
    """Terminal cells *text* takes: printable ASCII (ids, codes, dates, ranges) one each, without
    importing rich's width tables (~3 ms); anything else as rich counts it."""
    if text.isascii() and text.isprintable():
        return len(text)
    from rich.cells import cell_len as rich_cell_len

    return rich_cell_len(text)


def print_listing(console, headers: Sequence[str], rows: Sequence[Sequence[str]], *, title: str | None = None,
                  styles: Sequence[str | None] | None = None) -> None:
    """Print on *console* (rich), or as plain lines on stderr when *console* is None."""
    widths = [cell_len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            n = cell_len(cell)
            if n > widths[i]:
                widths[i] = n

    def line(cells: Sequence[str]) -> str:
        last = len(cells) - 1
        return GAP.join(c if i == last else c + " " * (widths[i] - cell_len(c)) for i, c in enumerate(cells))

    lines = ([title] if title else []) + [line(headers), GAP.join("─" * w for w in widths)]
    spans = [(i, "italic") for i in range(1 if title else 0)] + [(len(lines) - 2, "bold"), (len(lines) - 1, "dim")]
    first = len(lines)
    lines += [line(row).rstrip() for row in rows]
    if console is None:
        import click

        click.echo("\n".join(lines), err=True)
        return
    from rich.text import Text

    spans += [(first + i, style) for i, style in enumerate(styles or ()) if style]
    text = Text("\n".join(lines), no_wrap=True)  # one Text: control codes are stripped once, not per row
    starts = [0]
    for item in lines:
        starts.append(starts[-1] + len(item) + 1)
    for index, style in spans:
        text.stylize(style, starts[index], starts[index] + len(lines[index]))
    console.print(text, soft_wrap=True)
