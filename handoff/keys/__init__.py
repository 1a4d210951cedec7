"""Keys in layers: Argon2id for passwords and receipts, sealed boxes to organisation keys,
member key pairs wrapped by their passwords (see docs/threat_model.md)."""
