"""The rules engine: catalogues (data in ``rules/``) evaluated by a small set of rule kinds."""
