"""minimal-notebook: declares nothing of its own; it has the tags and pieces of its ancestors."""
