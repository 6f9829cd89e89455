"""Running inspections: the Docker engine, containers, testinfra's host, the value cache."""
