"""Agora's features: each module or package here is one extension, loaded at startup."""
