"""Relatives' chat groups: Telegram exports read, soldiers' mentions found and moderated."""
