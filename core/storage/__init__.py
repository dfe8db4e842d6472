"""Storage: the scenario library (SQLAlchemy) and file imports / exports."""
