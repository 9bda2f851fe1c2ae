"""link: typed records -> the linked Site (refs resolved, backlinks, quotes found in sources)."""
