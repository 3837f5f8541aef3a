"""Class-based TF-IDF keywords and readable cluster labels."""

from collections import Counter

import numpy as np

from ml.text import tokenize

__all__ = ["class_keywords", "describe_clusters", "label_from_keywords"]


def class_keywords(texts, labels, *, top_n: int = 10, tokens=None) -> dict:
    """Rank the words that set each class of texts apart (c-TF-IDF).

    Each class is one document made of its members' words; a word scores
    high when it is frequent in that class and rare across classes, and
    when the texts that use it are mostly in that class.

    Parameters
    ----------
    texts : sequence of str
        Thai and/or English texts.
    labels : sequence
        One class per text; ``None`` and -1 (unclustered) are left out.
    top_n : int, default=10
        Words per class.
    tokens : list of list of str, optional
        Already tokenised texts (from :func:`ml.text.tokenize`), to save time.

    Returns
    -------
    dict
        Class → list of ``(word, score)``, best first. Words are segmented
        with PyThaiNLP, lower-cased, without stopwords or broken Thai.
    """
    if tokens is None:
        tokens = [tokenize(t) for t in texts]
    per_class: dict = {}
    # In how many texts of each class a word appears: a word the ideas of
    # every cluster use ("หน่วยงาน", "ข้อมูล", "agencies") names none of them,
    # however frequent.
    documents: dict = {}
    documents_n: dict = {}
    for words, label in zip(tokens, labels, strict=True):
        if label is None or label == -1:
            continue
        per_class.setdefault(label, Counter()).update(words)
        documents.setdefault(label, Counter()).update(set(words))
        documents_n[label] = documents_n.get(label, 0) + 1
    if not per_class:
        return {}
    classes = list(per_class)
    vocab = sorted(set().union(*per_class.values()))
    if not vocab:
        return {c: [] for c in classes}
    index = {w: i for i, w in enumerate(vocab)}
    tf = np.zeros((len(classes), len(vocab)), dtype=np.float64)
    for row, c in enumerate(classes):
        for word, count in per_class[c].items():
            tf[row, index[word]] = count
    # BERTopic's c-TF-IDF: term frequency within the class times
    # log(1 + average words per class / the word's frequency over all classes).
    average = tf.sum() / len(classes)
    idf = np.log1p(average / tf.sum(axis=0))
    totals = tf.sum(axis=1, keepdims=True)
    tf = tf / np.where(totals > 0, totals, 1)
    # With few clusters the class-level idf hardly tells a word every idea
    # uses from one that marks a cluster: weigh each word by the share of
    # the texts using it that are in the class.
    df = np.zeros_like(tf)
    for row, c in enumerate(classes):
        for word, count in documents[c].items():
            df[row, index[word]] = count
    share = df / np.maximum(df.sum(axis=0, keepdims=True), 1)
    if len(classes) > 1:
        # Only what is over-represented counts: a word spread over the
        # clusters as evenly as the texts are scores nothing.
        sizes = np.array([documents_n[c] for c in classes], float)[:, None]
        expected = sizes / sizes.sum()
        share = np.clip((share - expected) / np.maximum(1 - expected, 1e-9), 0, 1)
    plain = tf * idf
    scores = plain * share
    result = {}
    for row, c in enumerate(classes):
        # A cluster no word sets apart (the same texts as its neighbours)
        # still gets its most frequent words rather than none.
        ranked = scores[row] if scores[row].any() else plain[row]
        order = np.argsort(-ranked, kind="stable")[:top_n]
        result[c] = [(vocab[i], float(ranked[i])) for i in order if ranked[i] > 0]
    return result


def label_from_keywords(keywords, *, size: int = 3) -> str:
    """Make a short label of 2–4 distinct words from ranked keywords.

    Parameters
    ----------
    keywords : list of (str, float) or list of str
        As returned per class by :func:`class_keywords`.
    size : int, default=3
        Words wanted (clamped to 2–4); fewer when fewer exist.

    Returns
    -------
    str
        Words joined by ", ", skipping a word that contains, or is contained
        in, one already chosen (``ข้อมูล`` next to ``ข้อมูลกลาง``).
    """
    size = min(4, max(2, size))
    chosen: list[str] = []
    for item in keywords:
        word = item[0] if isinstance(item, tuple | list) else item
        if any(word in other or other in word for other in chosen):
            continue
        chosen.append(word)
        if len(chosen) == size:
            break
    return ", ".join(chosen)


def describe_clusters(
    texts, labels, *, top_n: int = 10, size: int = 3, tokens=None
) -> dict:
    """Keywords and a short label for every cluster.

    Parameters
    ----------
    texts : sequence of str
    labels : sequence of int
        Cluster per text, -1 for unclustered (left out).
    top_n : int, default=10
        Keywords kept per cluster.
    size : int, default=3
        Words in each label (2–4).
    tokens : list of list of str, optional
        Already tokenised texts, as for :func:`class_keywords`.

    Returns
    -------
    dict
        Cluster → ``{"label": str, "keywords": [str, ...]}``.
    """
    ranked = class_keywords(texts, labels, top_n=top_n, tokens=tokens)
    return {
        cluster: {
            "label": label_from_keywords(words, size=size),
            "keywords": [w for w, _ in words],
        }
        for cluster, words in ranked.items()
    }
