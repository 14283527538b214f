"""Persons sought, tracing requests, the relatives who file them, and regional desks."""
