"""Streamlit pieces shared by pages. The only part of navdash that imports Streamlit."""
