"""Offline text intelligence for the workbench: pure Python, no Django.

Follows scikit-learn's conventions; see DESIGN.md ("ml/: the contract").
The estimators (the encoders, ``ThemeMapper``, ``LeafClusterer``,
``Duplicates``, ``EventPipeline``) take keyword-only parameters and store
them unchanged; data, the themes included, arrives in ``fit``, which returns
the estimator; fitted attributes end in ``_``; using an estimator before
``fit`` raises ``NotFittedError``.

Modules: ``text`` (normalisation, language, Thai segmentation, stopwords),
``encoders`` (``get_encoder``: default = e5+use, e5, use, lexical, st:<path>),
``themes`` (``ThemeMapper``), ``cluster`` (``LeafClusterer``), ``pipeline``
(``EventPipeline``: the one path the workbench, evaluate and bench fit),
``keywords`` (c-TF-IDF labels), ``duplicates`` (``Duplicates``, ``nearest_neighbors``),
``projection`` (``project_2d``) and ``evaluate`` (behind ``python -m ml``).
"""
