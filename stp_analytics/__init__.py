"""stp_analytics: the library behind the STP "three gaps" packs.

Modules: geography (areas and lookups), catalog (sources, indicators, loaders, validation),
methods (indicator statistics), metrics (the metric store), finance (the 2020/21 gap model),
charts, narrative, runner (batch build), render (HTML and PDF), cli.
"""

__version__ = "0.1.0"
