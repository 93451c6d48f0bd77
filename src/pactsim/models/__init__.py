"""pactsim models."""
