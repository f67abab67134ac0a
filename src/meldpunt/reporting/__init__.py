"""Reporting: published figures (with small-cell suppression) and the national DDAS delivery."""
