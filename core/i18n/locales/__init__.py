"""String catalogues, one module per language, all with the same keys."""
