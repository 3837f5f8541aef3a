"""Offline text intelligence for the workbench: pure Python, no Django.

Follows scikit-learn's conventions; see DESIGN.md ("ml/: the contract").
"""
