"""The package version (recorded beside every stored result and every figure)."""

__version__ = "0.1.0"
