"""The data layer: the catalogue of sources and indicators, its validation, the loaders that read
each file layout into tidy observations, geography and area sets, and name matching.

Lowest layer: imports nothing of stp_analytics but ``errors``, ``paths`` and ``schema``.
"""
