"""Reads of judging: results, a judge's list, the panel's scores, the public outcome."""
