"""Unit tests of the inspection library against recorded real outputs; no containers."""
