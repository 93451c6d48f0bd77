"""pactsim models/bargaining."""

from pactsim.models.bargaining.ktab_io import KtabInput as KtabInput
from pactsim.models.bargaining.ktab_io import read_ktab_csv as read_ktab_csv
from pactsim.models.bargaining.smp import SMPResult as SMPResult
from pactsim.models.bargaining.smp import smp as smp
