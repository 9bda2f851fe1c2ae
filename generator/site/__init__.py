"""site: site.yaml -> SiteConfig (the record types) and the JSON Schema made from them."""
