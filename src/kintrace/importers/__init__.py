"""Importers: ``parse_*`` turns rows into domain objects (pure); ``read_*`` reads the file."""
