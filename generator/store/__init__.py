"""store: what the last build read and made -> which pages this build must make again."""
