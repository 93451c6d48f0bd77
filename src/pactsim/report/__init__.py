"""Plots of runs and ensembles, and the self-contained HTML report (``pactsim report``)."""

from pactsim.report.html import render, write_report
from pactsim.report.run_plots import plot_runs
from pactsim.report.verdicts import Verdict, VerdictData, assess, verdict_data

__all__ = [
    "Verdict",
    "VerdictData",
    "assess",
    "plot_runs",
    "render",
    "verdict_data",
    "write_report",
]
