"""Weft's Streamlit workbench for planners (talks to the REST API only)."""
