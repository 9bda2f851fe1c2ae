"""factsheet: a static site generator for sourced fact sheets."""

__version__ = "0.1.0"
