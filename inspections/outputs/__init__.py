"""From reports to files: results, verdicts, the run record and the all-or-nothing writer."""
