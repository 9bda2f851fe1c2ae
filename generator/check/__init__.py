"""check: raw records -> typed records, validated against their type's JSON Schema."""
