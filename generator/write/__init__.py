"""write: page bytes -> output/, swapped in whole or patched, with its search index."""
