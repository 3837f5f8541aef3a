"""Framework, strategic issues, goals, measures and indicators (see DESIGN.md)."""
