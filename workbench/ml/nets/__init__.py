"""Network architectures of the workbench's own models (built from model cards)."""
