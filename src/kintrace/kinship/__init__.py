"""Forensic DNA kinship: markers, pedigrees, exact pedigree likelihoods, LRs and familial search.

A pure core: numpy and the standard library only, no file I/O (parsers take text). See
``docs/kinship.md`` for the methods and where each comes from.
"""
