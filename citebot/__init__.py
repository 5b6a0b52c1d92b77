"""The ``citebot`` command: the composition root that wires the core to its adapters."""
