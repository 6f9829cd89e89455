"""Building a stack and its CI from the hierarchy that its image.toml files declare."""
