"""Spiders: one generic disclosure spider drives every CMS family through profiles."""
