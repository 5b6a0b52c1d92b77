"""The ``citebot`` command: one module per subcommand; ``main`` wires them."""
