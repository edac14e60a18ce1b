"""The use cases, one module per resource: each function acts for an actor, takes plain values or a
command, and reaches the outside only through the ``Ports`` it is given."""
