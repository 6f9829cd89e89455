"""File formats: one module per format, writing it and reading it back."""
