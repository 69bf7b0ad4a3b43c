"""Interoperability: exchanging the workspace with spreadsheets and OSCAL tools."""
