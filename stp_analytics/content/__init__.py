"""What a pack says: sections, narrative sentences, tables, the annex, the charts a pack shows and
the index page's content, all read from the metric store and the finance model.
"""
