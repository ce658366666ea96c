"""ksad: Kerjasama Antar Daerah app catalog and installer."""

__version__ = "0.1.0"
