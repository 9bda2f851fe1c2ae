"""read: files -> YAML documents with positions, and raw records (the only reader of content/)."""
