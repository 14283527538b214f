"""Disaster-victim identification: many remains against many reference families, jointly.

A pure core (numpy, the standard library and :mod:`kintrace.kinship`; no file I/O): parse the
families and remains files from text, compute the pairwise LR matrix, exclusions and undisputed
identifications, search the joint assignments, derive posterior pairing probabilities and a
conclusion per missing person and per body, and suggest which extra relative would help a thinly
typed family most. See ``docs/dvi.md`` for the methods and their sources.
"""
