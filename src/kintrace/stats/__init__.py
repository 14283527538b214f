"""Aggregate figures for the public and the press: never personal data."""
