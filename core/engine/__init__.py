"""The engine: the projection by line item, vectorised over (paths, months), and its plain-Python oracle."""
