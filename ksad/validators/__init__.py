"""Catalog schemas compiled to Python ahead of time (scripts/gen_validators.py)."""
