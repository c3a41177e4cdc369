"""sedna.common (bench's stand-in)."""
