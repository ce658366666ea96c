"""ksad as pip installs it: the wheel carries the bundled catalog and the recipes it builds, so an
installed ksad (pip, pipx) does the main job without a checkout of this repository beside it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO
from helpers import INIT, get


def build_wheel(out: Path) -> Path:
    """The wheel pip builds from a copy of the sources (pip builds in the tree it is given)."""
    src = out / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    for name in ("ksad", "catalog", "recipes"):
        shutil.copytree(REPO / name, src / name, symlinks=True, ignore=ignore)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out / "wheel"), str(src)],
                   check=True, capture_output=True, timeout=600)
    (wheel,) = (out / "wheel").glob("ksad-*.whl")
    return wheel


def test_an_installed_ksad_carries_the_bundled_catalog_and_installs_from_it(
        tmp_path, run_ksad, ksad_env, app_name, ksad_cleanup):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
                    str(build_wheel(tmp_path))], check=True, capture_output=True, timeout=600)
    e = {"PYTHONPATH": str(site)}  # ahead of this checkout's own (editable) ksad
    where = subprocess.run([sys.executable, "-c", "import ksad.settings as s; print(s.BUNDLED_CATALOG)"],
                           env={**ksad_env, **e}, cwd=tmp_path, capture_output=True, text=True, check=True)
    bundled = Path(where.stdout.strip())
    assert bundled.is_relative_to(site) and (bundled / "apps" / "sakip.yaml").is_file(), bundled
    assert (bundled.parent / "recipes" / "standin" / "web" / "Dockerfile").is_file()

    listed = run_ksad("catalog", "list", env=e, check=True)
    assert "sakip" in listed.stderr + listed.stdout
    run_ksad(*INIT, env=e, check=True)
    name = app_name("Paket")
    proc = run_ksad("install", "sakip", "--name", name, env=e, check=True, timeout=300)
    assert name in get(proc.stdout.strip(), name)
    run_ksad("uninstall", name, "--purge", env=e, check=True)
