"""Safe unattended operation: the warehouse lock, run-level copy-on-write, incremental loading
of claims per month, the landing-folder fingerprint for the sensor and review import/export.

See docs/operations.md for the design and the maintainer's view.
"""
