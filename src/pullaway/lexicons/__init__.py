"""Cue lexicons shipped as data: one TOML file per language (see docs/lexicons.md)."""
