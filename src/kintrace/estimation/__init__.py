"""Multiple systems estimation: log-linear, latent-class and decomposable-graph estimators.

A pure core (numpy, scipy; no storage, web or CLI). See ``docs/estimation.md``.
"""
