"""Streamlit glue shared by the pages: session state, the sidebar, cached core calls."""
