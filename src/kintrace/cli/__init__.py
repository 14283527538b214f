"""The command line: thin commands over the services and the pure cores."""
