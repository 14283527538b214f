"""Telling people things: e-mail (and later in-app notifications)."""
