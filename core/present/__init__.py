"""Presentation without Streamlit: report tables and KPIs, Plotly figures, number formatting."""
