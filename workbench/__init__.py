"""Audio Workbench: edit audio and look inside the neural networks that listen to it."""

__version__ = "0.1.0"
