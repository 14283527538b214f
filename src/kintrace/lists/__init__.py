"""Imported lists: prisoner lists, casualty lists, hospital and exchange lists, requests."""
