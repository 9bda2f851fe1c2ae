"""render: the linked Site -> the plan of pages and each page's bytes (Jinja2, JSON, CSV, XML)."""
