"""``python -m pactsim`` runs the command line."""

from pactsim.cli import main

main()
