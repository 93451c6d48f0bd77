"""Plots of runs and ensembles, and the self-contained HTML report (``pactsim report``)."""
