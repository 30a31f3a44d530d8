"""Writers of what people and programs read: terminal tables, JSON, CSV."""

