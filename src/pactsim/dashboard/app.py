"""The Streamlit script: ``streamlit run`` (or ``pactsim dashboard``) executes this file."""

from pactsim.dashboard.ui import main

main()
