"""Proximité analysis: indicators, charts and reports from survey exports.

Pure Python (pandas, numpy, scipy, plotly); never imports the ``survey`` app or Flask.
Start with ``analysis.loading.read_export`` and ``analysis.indicators.compute_indicators``, or the
command line ``python -m analysis EXPORT.csv --codebook CODEBOOK.json --out DIR``.
"""
