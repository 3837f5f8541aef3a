"""Offline text intelligence for the workbench: pure Python, no Django.

Follows scikit-learn's conventions; see DESIGN.md ("ml/: the contract").

Modules: ``text`` (normalisation, language, Thai segmentation, stopwords),
``encoders`` (``get_encoder``: default = e5+use, e5, use, lexical, st:<path>),
``themes`` (``ThemeMapper``), ``cluster`` (``Clusterer``), ``keywords``
(c-TF-IDF labels), ``duplicates`` (``Duplicates``, ``nearest_neighbors``),
``projection`` (``project_2d``) and ``evaluate`` (behind ``python -m ml``).
"""
