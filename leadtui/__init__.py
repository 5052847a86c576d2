"""leadtui: a keyboard-driven terminal CRM for lead qualification and the sales pipeline."""

__version__ = "0.1.0"
